// The one thing a SECC serving both ISO 15118-2 (TLS 1.2, server authentication) and ISO 15118-20
// (TLS 1.3, mutual authentication) must know before its TLS handshake starts: does the EV's
// ClientHello offer TLS 1.3? OpenSSL fixes the client-certificate policy per context, not per
// negotiated version, so the listener reads the ClientHello first and hands the connection to
// the TLS server of that profile (RFC 8446 §4.1.2, §4.2.1: supported_versions).

/** TLS record content type "handshake" and handshake type "client_hello". */
const RECORD_HANDSHAKE = 22;
const CLIENT_HELLO = 1;
/** RFC 8446 §4.2: the supported_versions extension. */
const EXT_SUPPORTED_VERSIONS = 0x002b;
const TLS13 = 0x0304;
/** A ClientHello larger than this is not one a V2G peer sends; give up and let TLS refuse it. */
export const MAX_CLIENT_HELLO_BYTES = 16 * 1024;

export type ClientHelloVersion =
  /** the ClientHello lists TLS 1.3 in supported_versions */
  | 'tls13'
  /** a complete ClientHello without TLS 1.3 (TLS 1.2 or older) */
  | 'tls12'
  /** not a TLS ClientHello at all: the TLS server will refuse it */
  | 'not-tls'
  /** more bytes are needed */
  | 'incomplete';

/**
 * What the first bytes of a connection say about the TLS version the client offers. The
 * ClientHello may span several handshake records; their fragments are joined.
 */
export function clientHelloVersion(bytes: Uint8Array): ClientHelloVersion {
  const fragments: Uint8Array[] = [];
  let have = 0;
  let need: number | undefined;
  for (let at = 0; ; ) {
    if (bytes.length - at < 5) return 'incomplete';
    if (bytes[at] !== RECORD_HANDSHAKE) return 'not-tls';
    const len = (bytes[at + 3]! << 8) | bytes[at + 4]!;
    if (bytes.length - at - 5 < len) return 'incomplete';
    const fragment = bytes.subarray(at + 5, at + 5 + len);
    fragments.push(fragment);
    have += fragment.length;
    at += 5 + len;
    if (need === undefined && have >= 4) {
      const hs = join(fragments, have);
      if (hs[0] !== CLIENT_HELLO) return 'not-tls';
      need = 4 + ((hs[1]! << 16) | (hs[2]! << 8) | hs[3]!);
    }
    if (need !== undefined && have >= need) return parseClientHello(join(fragments, have).subarray(4, need));
  }
}

function join(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(length);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** ClientHello body: version(2) random(32) session_id<1> cipher_suites<2> compression<1> extensions<2>. */
function parseClientHello(body: Uint8Array): ClientHelloVersion {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let at = 2 + 32;
  const skip = (lengthBytes: 1 | 2): boolean => {
    if (at + lengthBytes > body.length) return false;
    const n = lengthBytes === 1 ? body[at]! : view.getUint16(at);
    at += lengthBytes + n;
    return at <= body.length;
  };
  if (!skip(1) || !skip(2) || !skip(1)) return 'not-tls';
  // no extensions: a pre-TLS 1.3 client
  if (at + 2 > body.length) return 'tls12';
  const end = Math.min(body.length, at + 2 + view.getUint16(at));
  at += 2;
  while (at + 4 <= end) {
    const type = view.getUint16(at);
    const len = view.getUint16(at + 2);
    at += 4;
    if (type === EXT_SUPPORTED_VERSIONS && len >= 1) {
      const n = body[at]!;
      for (let i = at + 1; i + 1 < at + 1 + n && i + 1 < end; i += 2) if (view.getUint16(i) === TLS13) return 'tls13';
      return 'tls12';
    }
    at += len;
  }
  return 'tls12';
}
