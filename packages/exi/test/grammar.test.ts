// Grammar facts checked against the V2G codecs in the field (OpenV2G, libcbv2g, EXIficient).
import { describe, expect, it } from 'vitest';
import { getCodec } from '../src/index.js';
import { EV } from '../src/runtime/grammar.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('EXI grammars of the V2G schemas', () => {
  it('ISO 15118-2: V2G_Message is document event 76 of 7 bits, as in OpenV2G iso1', () => {
    const t = getCodec('iso2').tables;
    expect(t.document.w).toBe(7);
    expect(t.document.elements.findIndex((e) => e.key === 'V2G_Message')).toBe(76);
  });

  it('ISO 15118-2: Body lists the abstract BodyElement among the message elements (6-bit code)', () => {
    const t = getCodec('iso2').tables;
    const body = t.types.find((g) => g.name === 'BodyType')!;
    const keys = body.states[0]!.p.filter((p) => p[0] === EV.SE).map((p) => body.elems[p[1]]!.key);
    expect(keys.slice(0, 4)).toEqual(['AuthorizationReq', 'AuthorizationRes', 'BodyElement', 'CableCheckReq']);
    expect(body.states[0]!.w).toBe(6);
  });

  it('non-strict widths: a lone production takes one bit (the escape to the second level)', () => {
    const t = getCodec('iso2').tables;
    const cd = t.types.find((g) => g.name === 'CurrentDemandReqType')!;
    expect(cd.states[0]!.w).toBe(1);
    expect(cd.states.at(-1)!.p[0]![0]).toBe(EV.EE);
    expect(cd.states.at(-1)!.w).toBe(1);
  });

  it('bounded arrays: the state after maxOccurs entries no longer offers the element', () => {
    const c = getCodec('apphand');
    const app = (i: number) => ({ ProtocolNamespace: `urn:x:${i}`, VersionNumberMajor: 2, VersionNumberMinor: 0, SchemaID: i, Priority: 1 + (i % 20) });
    const twenty = { supportedAppProtocolReq: { AppProtocol: Array.from({ length: 20 }, (_, i) => app(i)) } };
    expect(c.decode(c.encode(twenty))).toEqual(twenty);
    const more = { supportedAppProtocolReq: { AppProtocol: Array.from({ length: 21 }, (_, i) => app(i)) } };
    expect(() => c.encode(more)).toThrow(/INVALID_CONTENT/);
  });

  it('empty complex elements and choices', () => {
    const c = getCodec('iso20-cm');
    const msg = { ServiceDiscoveryReq: { Header: { SessionID: '0011223344556677', TimeStamp: 1700000000 } } };
    expect(c.decode(c.encode(msg))).toEqual(msg);
    const auth = {
      AuthorizationReq: { Header: { SessionID: '0011223344556677', TimeStamp: 1 }, SelectedAuthorizationService: 'EIM', EIM_AReqAuthorizationMode: {} },
    };
    expect(c.decode(c.encode(auth))).toEqual(auth);
  });

  it('a real SupportedAppProtocolReq (Hyundai Ioniq, DIN) decodes and re-encodes byte for byte', () => {
    const c = getCodec('apphand');
    const real = '8000dbab9371d3234b71d1b981899189d191818991d26b9b3a232b30020000040040';
    const doc = c.decode(Buffer.from(real, 'hex'));
    expect(doc).toEqual({
      supportedAppProtocolReq: {
        AppProtocol: [{ ProtocolNamespace: 'urn:din:70121:2012:MsgDef', VersionNumberMajor: 2, VersionNumberMinor: 0, SchemaID: 1, Priority: 1 }],
      },
    });
    expect(hex(c.encode(doc))).toBe(real);
  });

  it('64-bit integers beyond 2^53 are bigints and round-trip', () => {
    const c = getCodec('iso20-cm');
    const msg = { SessionStopReq: { Header: { SessionID: '0102030405060708', TimeStamp: 18446744073709551615n }, ChargingSession: 'Terminate' } };
    expect(c.decode(c.encode(msg))).toEqual(msg);
    const fromString = { SessionStopReq: { Header: { SessionID: '0102030405060708', TimeStamp: '18446744073709551615' }, ChargingSession: 'Terminate' } };
    expect(hex(c.encode(fromString))).toBe(hex(c.encode(msg)));
    expect(() => c.encode({ SessionStopReq: { Header: { SessionID: '01', TimeStamp: 18446744073709551616n }, ChargingSession: 'Terminate' } })).toThrow(/INVALID_VALUE/);
  });
});
