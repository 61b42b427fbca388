// A minimal DER reader for X.509 certificates: just what parseCertificate needs (names, validity,
// basicConstraints, keyUsage, key identifiers, signature algorithm). Parsing certificates this way
// keeps @peculiar/x509 (slow to load) out of the EV/EVSE processes and the CLI start-up; it is
// loaded only to generate certificates.

export class DerError extends Error {
  override readonly name = 'DerError';
}

/** One TLV: tag byte, content bytes, and the whole encoding. */
export interface Tlv {
  readonly tag: number;
  readonly content: Uint8Array;
  readonly encoded: Uint8Array;
}

/** Reads the TLV at `offset`; returns it and the offset after it. */
export function readTlv(buf: Uint8Array, offset = 0): { tlv: Tlv; next: number } {
  if (offset + 2 > buf.length) throw new DerError('truncated DER');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte DER tags are not supported');
  let len = buf[offset + 1]!;
  let pos = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new DerError('unsupported DER length');
    if (pos + n > buf.length) throw new DerError('truncated DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[pos + i]!;
    pos += n;
  }
  if (pos + len > buf.length) throw new DerError('truncated DER content');
  return { tlv: { tag, content: buf.subarray(pos, pos + len), encoded: buf.subarray(offset, pos + len) }, next: pos + len };
}

/** The TLVs inside a constructed value. */
export function children(content: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  for (let pos = 0; pos < content.length; ) {
    const { tlv, next } = readTlv(content, pos);
    out.push(tlv);
    pos = next;
  }
  return out;
}

export function expectTag(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (!tlv || tlv.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, got ${tlv ? `0x${tlv.tag.toString(16)}` : 'nothing'}`);
  return tlv;
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  T61_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

export function oid(content: Uint8Array): string {
  if (content.length === 0) throw new DerError('empty OID');
  const parts: number[] = [];
  const first = content[0]!;
  let value = 0;
  for (let i = 0; i < content.length; i++) {
    value = value * 128 + (content[i]! & 0x7f);
    if ((content[i]! & 0x80) === 0) {
      parts.push(value);
      value = 0;
    }
  }
  const head = parts.shift()!;
  const a = first < 40 ? 0 : first < 80 ? 1 : 2;
  return [a, head - a * 40, ...parts].join('.');
}

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

/** A non-negative INTEGER as a number (small values such as pathLenConstraint). */
export function smallInteger(content: Uint8Array): number {
  if (content.length === 0 || content.length > 6 || (content[0]! & 0x80) !== 0) throw new DerError('INTEGER out of range');
  let v = 0;
  for (const b of content) v = v * 256 + b;
  return v;
}

/** UTCTime / GeneralizedTime (Z form, as RFC 5280 requires). */
export function time(tlv: Tlv): Date {
  const s = Buffer.from(tlv.content).toString('latin1');
  const m =
    tlv.tag === TAG.UTC_TIME
      ? /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s)
      : tlv.tag === TAG.GENERALIZED_TIME
        ? /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s)
        : null;
  if (!m) throw new DerError(`bad time '${s}'`);
  let year = Number(m[1]);
  if (tlv.tag === TAG.UTC_TIME) year += year < 50 ? 2000 : 1900;
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

/** A directory string value as text. */
export function text(tlv: Tlv): string {
  const b = Buffer.from(tlv.content);
  switch (tlv.tag) {
    case TAG.UTF8_STRING:
      return b.toString('utf8');
    case TAG.PRINTABLE_STRING:
    case TAG.IA5_STRING:
    case TAG.T61_STRING:
      return b.toString('latin1');
    case TAG.BMP_STRING:
      return Buffer.from(b).swap16().toString('utf16le');
    case TAG.UNIVERSAL_STRING: {
      let out = '';
      for (let i = 0; i + 3 < b.length; i += 4) out += String.fromCodePoint(b.readUInt32BE(i));
      return out;
    }
    default:
      return `#${hex(tlv.encoded)}`;
  }
}

const NAME_OIDS: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.42': 'G',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
  '1.2.840.113549.1.9.1': 'E',
};

/** The attributes of a Name in order, e.g. [['CN', 'SECCCert'], ['O', 'v2xsim'], ...]. */
export function nameAttributes(name: Tlv): [string, string][] {
  expectTag(name, TAG.SEQUENCE, 'Name');
  const out: [string, string][] = [];
  for (const rdn of children(name.content)) {
    expectTag(rdn, TAG.SET, 'RelativeDistinguishedName');
    for (const atv of children(rdn.content)) {
      const [type, value] = children(expectTag(atv, TAG.SEQUENCE, 'AttributeTypeAndValue').content);
      const id = oid(expectTag(type, TAG.OID, 'attribute type').content);
      if (!value) throw new DerError('attribute without a value');
      out.push([NAME_OIDS[id] ?? id, text(value)]);
    }
  }
  return out;
}

/** RFC 4514 escaping of an attribute value. */
const escapeValue = (v: string): string =>
  v
    .replace(/([,+"\\<>;])/g, '\\$1')
    .replace(/^([ #])/, '\\$1')
    .replace(/ $/, '\\ ');

/** A Name as text, in the order of the encoding: `CN=SECCCert, O=v2xsim, C=DE, DC=CPO`. */
export function nameString(attrs: readonly [string, string][]): string {
  return attrs.map(([k, v]) => `${k}=${escapeValue(v)}`).join(', ');
}
