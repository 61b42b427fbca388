import { describe, it, expect } from 'vitest';
import {
  V2GTP_DEFAULT_MAX_PAYLOAD_LENGTH,
  V2GTP_HEADER_LENGTH,
  V2GTP_PAYLOAD_TYPES,
  V2gtpError,
  V2gtpPayloadType,
  decodeV2gtp,
  decodeV2gtpHeader,
  encodeV2gtp,
  encodeV2gtpHeader,
  isV2gtpError,
  isV2gtpPayloadType,
  v2gtpPayloadTypeName,
} from '../src/v2gtp/index.js';
import type { V2gtpErrorCode } from '../src/v2gtp/index.js';

function header(version: number, inverse: number, type: number, length: number): Uint8Array {
  const bytes = new Uint8Array(8);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, version);
  view.setUint8(1, inverse);
  view.setUint16(2, type);
  view.setUint32(4, length);
  return bytes;
}

function codeOf(fn: () => unknown): V2gtpErrorCode | undefined {
  try {
    fn();
  } catch (e) {
    if (isV2gtpError(e)) return e.code;
    throw e;
  }
  return undefined;
}

describe('V2GTP payload types', () => {
  it('lists the 14 types of ISO 15118-2/-20 and DIN 70121 with their wire values', () => {
    expect(V2gtpPayloadType).toEqual({
      Exi: 0x8001,
      CommonMessages: 0x8002,
      AcMessages: 0x8003,
      DcMessages: 0x8004,
      AcdpMessages: 0x8005,
      WptMessages: 0x8006,
      ScheduleRenegotiation: 0x8101,
      MeteringConfirmation: 0x8102,
      AcdpSystemStatus: 0x8103,
      ParkingStatus: 0x8104,
      SdpRequest: 0x9000,
      SdpResponse: 0x9001,
      SdpRequestWireless: 0x9002,
      SdpResponseWireless: 0x9003,
    });
    expect(V2GTP_PAYLOAD_TYPES).toHaveLength(14);
  });

  it('recognises known types only (reserved and manufacturer ranges are unknown)', () => {
    for (const t of V2GTP_PAYLOAD_TYPES) expect(isV2gtpPayloadType(t)).toBe(true);
    for (const t of [0, 0x8000, 0x8007, 0x8100, 0x8105, 0x9004, 0xa000, 0xffff]) {
      expect(isV2gtpPayloadType(t)).toBe(false);
    }
    expect(v2gtpPayloadTypeName(0x8002)).toBe('CommonMessages');
    expect(v2gtpPayloadTypeName(0xa000)).toBe('0xa000');
  });
});

describe('encodeV2gtp / decodeV2gtp', () => {
  it('round-trips every payload type', () => {
    const payload = Uint8Array.from([0x80, 0x00, 0xdb, 0xab, 0x93, 0x71]);
    for (const type of V2GTP_PAYLOAD_TYPES) {
      const wire = encodeV2gtp(type, payload);
      expect(wire.length).toBe(V2GTP_HEADER_LENGTH + payload.length);
      expect(decodeV2gtpHeader(wire)).toEqual({ payloadType: type, payloadLength: payload.length });
      const msg = decodeV2gtp(wire);
      expect(msg.payloadType).toBe(type);
      expect(msg.payload).toEqual(payload);
    }
  });

  it('writes the header big-endian: 01 FE type(2) length(4)', () => {
    const wire = encodeV2gtp(V2gtpPayloadType.SdpRequest, Uint8Array.from([0x10, 0x00]));
    expect(Array.from(wire)).toEqual([0x01, 0xfe, 0x90, 0x00, 0x00, 0x00, 0x00, 0x02, 0x10, 0x00]);
    expect(Array.from(encodeV2gtpHeader(V2gtpPayloadType.Exi, 0x01020304))).toEqual([
      0x01, 0xfe, 0x80, 0x01, 0x01, 0x02, 0x03, 0x04,
    ]);
  });

  it('handles an empty payload', () => {
    const msg = decodeV2gtp(encodeV2gtp(V2gtpPayloadType.Exi, new Uint8Array(0)));
    expect(msg.payload.length).toBe(0);
  });

  it('decodes at a non-zero byteOffset and returns a zero-copy payload view', () => {
    const wire = encodeV2gtp(V2gtpPayloadType.DcMessages, Uint8Array.from([1, 2, 3]));
    const backing = new Uint8Array(wire.length + 5);
    backing.set(wire, 5);
    const msg = decodeV2gtp(backing.subarray(5));
    expect(Array.from(msg.payload)).toEqual([1, 2, 3]);
    expect(msg.payload.buffer).toBe(backing.buffer);
  });

  it('refuses to encode an unknown type or an oversized length', () => {
    expect(codeOf(() => encodeV2gtp(0xa000 as V2gtpPayloadType, new Uint8Array(1)))).toBe('INVALID_PAYLOAD_TYPE');
    expect(codeOf(() => encodeV2gtpHeader(V2gtpPayloadType.Exi, 2 ** 32))).toBe('MESSAGE_TOO_LARGE');
    expect(codeOf(() => encodeV2gtpHeader(V2gtpPayloadType.Exi, -1))).toBe('MESSAGE_TOO_LARGE');
  });
});

describe('decodeV2gtpHeader checks', () => {
  it.each([
    ['INCORRECT_VERSION', header(0x02, 0xfd, 0x8001, 0)],
    ['INCORRECT_VERSION', header(0x00, 0xfe, 0x8001, 0)],
    ['INVALID_INVERSE_VERSION', header(0x01, 0xff, 0x8001, 0)],
    ['INVALID_PAYLOAD_TYPE', header(0x01, 0xfe, 0x8007, 0)],
    ['INVALID_PAYLOAD_TYPE', header(0x01, 0xfe, 0xa000, 0)],
    ['MESSAGE_TOO_LARGE', header(0x01, 0xfe, 0x8001, 0xffffffff)],
    ['MESSAGE_TOO_LARGE', header(0x01, 0xfe, 0x8001, V2GTP_DEFAULT_MAX_PAYLOAD_LENGTH + 1)],
    ['TRUNCATED', header(0x01, 0xfe, 0x8001, 0).subarray(0, 7)],
  ] as const)('%s', (code, bytes) => {
    expect(codeOf(() => decodeV2gtpHeader(bytes))).toBe(code);
  });

  it('checks in the standard order: version before type before length', () => {
    expect(codeOf(() => decodeV2gtpHeader(header(0x02, 0x00, 0x0000, 0xffffffff)))).toBe('INCORRECT_VERSION');
    expect(codeOf(() => decodeV2gtpHeader(header(0x01, 0xfe, 0x0000, 0xffffffff)))).toBe('INVALID_PAYLOAD_TYPE');
  });

  it('honours maxPayloadLength and acceptedPayloadTypes', () => {
    const h = header(0x01, 0xfe, 0x8002, 100);
    expect(decodeV2gtpHeader(h, { maxPayloadLength: 100 }).payloadLength).toBe(100);
    expect(codeOf(() => decodeV2gtpHeader(h, { maxPayloadLength: 99 }))).toBe('MESSAGE_TOO_LARGE');
    expect(codeOf(() => decodeV2gtpHeader(h, { acceptedPayloadTypes: [V2gtpPayloadType.Exi] }))).toBe(
      'INVALID_PAYLOAD_TYPE',
    );
    // the full wire range is allowed when asked for explicitly
    expect(decodeV2gtpHeader(header(1, 0xfe, 0x8001, 0xffffffff), { maxPayloadLength: 0xffffffff }).payloadLength).toBe(
      0xffffffff,
    );
  });

  it('rejects nonsensical options as programming errors', () => {
    const h = header(0x01, 0xfe, 0x8001, 0);
    expect(() => decodeV2gtpHeader(h, { maxPayloadLength: -1 })).toThrow(RangeError);
    expect(() => decodeV2gtpHeader(h, { maxPayloadLength: 2 ** 32 })).toThrow(RangeError);
    expect(() => decodeV2gtpHeader(h, { acceptedPayloadTypes: [0x1234 as V2gtpPayloadType] })).toThrow(RangeError);
  });

  it('decodeV2gtp requires the datagram to be exactly header + payload', () => {
    const wire = encodeV2gtp(V2gtpPayloadType.SdpResponse, new Uint8Array(20));
    expect(codeOf(() => decodeV2gtp(wire.subarray(0, wire.length - 1)))).toBe('TRUNCATED');
    const longer = new Uint8Array(wire.length + 1);
    longer.set(wire);
    expect(codeOf(() => decodeV2gtp(longer))).toBe('LENGTH_MISMATCH');
  });

  it('errors are V2gtpError instances carrying a code', () => {
    try {
      decodeV2gtpHeader(header(0x01, 0xfe, 0x7777, 0));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(V2gtpError);
      expect(e).toBeInstanceOf(Error);
      expect((e as V2gtpError).name).toBe('V2gtpError');
      expect((e as V2gtpError).code).toBe('INVALID_PAYLOAD_TYPE');
      expect((e as V2gtpError).message).toContain('0x7777');
    }
  });
});
