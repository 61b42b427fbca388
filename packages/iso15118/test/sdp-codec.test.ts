import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  SdpError,
  answerSdpRequest,
  decodeSdpRequest,
  decodeSdpResponse,
  encodeSdpRequest,
  encodeSdpResponse,
  formatIpv6,
  isLinkLocalIpv6,
  parseIpAddress,
} from '../src/sdp/index.js';
import type { SdpErrorCode } from '../src/sdp/index.js';
import { V2gtpPayloadType, encodeV2gtp } from '../src/v2gtp/index.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const codeOf = (fn: () => unknown): SdpErrorCode | undefined => {
  try {
    fn();
  } catch (error) {
    if (error instanceof SdpError) return error.code;
    throw error;
  }
  return undefined;
};

describe('SDP codec', () => {
  it('encodes the request as in the standard', () => {
    expect(hex(encodeSdpRequest({ security: 'tls', transport: 'tcp' }))).toBe('01fe9000000000020000');
    expect(hex(encodeSdpRequest({ security: 'none', transport: 'tcp' }))).toBe('01fe9000000000021000');
    expect(decodeSdpRequest(Buffer.from('01fe9000000000021000', 'hex'))).toEqual({ security: 'none', transport: 'tcp' });
  });

  it('encodes the response: address, port, security, transport', () => {
    const bytes = encodeSdpResponse({ address: 'fe80::1', port: 0xc350, security: 'tls', transport: 'tcp' });
    expect(hex(bytes)).toBe('01fe900100000014' + 'fe800000000000000000000000000001' + 'c350' + '00' + '00');
    expect(decodeSdpResponse(bytes)).toEqual({ address: 'fe80::1', port: 50000, security: 'tls', transport: 'tcp' });
  });

  it('rejects malformed datagrams with typed errors', () => {
    const request = encodeSdpRequest({ security: 'tls', transport: 'tcp' });
    expect(codeOf(() => decodeSdpRequest(request.subarray(0, 9)))).toBe('INVALID_LENGTH');
    expect(codeOf(() => decodeSdpRequest(Uint8Array.from([...request, 0])))).toBe('INVALID_LENGTH');
    expect(codeOf(() => decodeSdpRequest(encodeV2gtp(V2gtpPayloadType.SdpRequest, Uint8Array.of(0))))).toBe('INVALID_LENGTH');
    expect(codeOf(() => decodeSdpRequest(encodeV2gtp(V2gtpPayloadType.SdpRequest, new Uint8Array(3))))).toBe('INVALID_LENGTH');
    expect(codeOf(() => decodeSdpRequest(Buffer.from('02fd9000000000020000', 'hex')))).toBe('INVALID_V2GTP');
    expect(codeOf(() => decodeSdpRequest(Buffer.from('01fe8001000000020000', 'hex')))).toBe('INVALID_V2GTP');
    expect(codeOf(() => decodeSdpRequest(Buffer.from('01fe9000000000022000', 'hex')))).toBe('UNKNOWN_SECURITY');
    expect(codeOf(() => decodeSdpRequest(Buffer.from('01fe9000000000020010', 'hex')))).toBe('UNKNOWN_TRANSPORT');
    expect(codeOf(() => decodeSdpResponse(request))).toBe('INVALID_V2GTP');
    expect(codeOf(() => decodeSdpRequest(new Uint8Array(0)))).toBe('INVALID_LENGTH');
    expect(codeOf(() => encodeSdpResponse({ address: 'localhost', port: 1, security: 'tls', transport: 'tcp' }))).toBe('INVALID_ADDRESS');
    expect(codeOf(() => encodeSdpResponse({ address: '::1', port: 70000, security: 'tls', transport: 'tcp' }))).toBe('INVALID_ADDRESS');
  });

  it('never throws anything but SdpError on random datagrams', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        for (const decode of [decodeSdpRequest, decodeSdpResponse]) {
          try {
            decode(bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(SdpError);
          }
        }
      }),
    );
  });
});

describe('IPv6 addresses', () => {
  it.each([
    ['::1', '::1'],
    ['::', '::'],
    ['FE80::0001%eth0', 'fe80::1'],
    ['[2001:db8::1]', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0db8:0000:0000:0000:0000:0002:0001', '2001:db8::2:1'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['1:0:3:4:5:6:7:8', '1:0:3:4:5:6:7:8'],
    ['127.0.0.1', '::ffff:127.0.0.1'],
    ['::ffff:10.0.0.1', '::ffff:10.0.0.1'],
    ['fd00::2', 'fd00::2'],
  ])('%s → %s', (text, canonical) => {
    const bytes = parseIpAddress(text);
    expect(bytes).toBeDefined();
    expect(formatIpv6(bytes!)).toBe(canonical);
  });

  it.each(['', 'localhost', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', '1:2:3:4:5:6:7', '::1.2.3', '256.1.1.1', 'g::1', '1:2:3:4:5:6:7::8'])(
    'rejects %s',
    (text) => {
      expect(parseIpAddress(text)).toBeUndefined();
    },
  );

  it('round-trips any 16 bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        expect(hex(parseIpAddress(formatIpv6(bytes))!)).toBe(hex(bytes));
      }),
    );
  });

  it('spots link-local addresses', () => {
    expect(isLinkLocalIpv6(parseIpAddress('fe80::1')!)).toBe(true);
    expect(isLinkLocalIpv6(parseIpAddress('febf::1')!)).toBe(true);
    expect(isLinkLocalIpv6(parseIpAddress('fec0::1')!)).toBe(false);
    expect(isLinkLocalIpv6(parseIpAddress('::1')!)).toBe(false);
  });
});

describe('answerSdpRequest', () => {
  const both = { address: 'fe80::2', endpoints: [{ security: 'tls', port: 50000 }, { security: 'none', port: 50001 }] } as const;
  const tcpOnly = { address: 'fe80::2', endpoints: [{ security: 'none', port: 50001 }] } as const;

  it('answers with what was asked when the SECC has it', () => {
    expect(answerSdpRequest({ security: 'tls', transport: 'tcp' }, both)).toEqual({ address: 'fe80::2', port: 50000, security: 'tls', transport: 'tcp' });
    expect(answerSdpRequest({ security: 'none', transport: 'tcp' }, both)).toMatchObject({ port: 50001, security: 'none' });
  });

  it('answers with what the SECC has otherwise', () => {
    expect(answerSdpRequest({ security: 'tls', transport: 'tcp' }, tcpOnly)).toMatchObject({ port: 50001, security: 'none' });
  });

  it('needs an endpoint', () => {
    expect(codeOf(() => answerSdpRequest({ security: 'tls', transport: 'tcp' }, { address: '::1', endpoints: [] }))).toBe('NO_OFFER');
  });
});
