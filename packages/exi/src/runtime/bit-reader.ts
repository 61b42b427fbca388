// Bit-packed EXI input with bounds checks on every read: hostile streams end in a typed
// TRUNCATED / LIMIT_EXCEEDED error, never in an exception from the engine or a huge allocation.
import { ExiError } from './errors.js';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const SAFE_GROUPS = 7; // 7 groups of 7 bits = 49 bits: always a safe integer

export class BitReader {
  private buf: Uint8Array = new Uint8Array(0);
  /** bit position */
  private p = 0;
  /** stream length in bits */
  private len = 0;
  private readonly chars: number[] = [];

  private scratch = new Uint8Array(4096);

  /** Reads from a private copy with 4 zero bytes after the end, so a 32-bit window never
   *  reads past it (no bounds branches on the hot path). */
  init(input: Uint8Array): void {
    if (this.scratch.length < input.length + 4) this.scratch = new Uint8Array(Math.max(input.length + 4, this.scratch.length * 2));
    const b = this.scratch;
    b.set(input);
    b[input.length] = 0;
    b[input.length + 1] = 0;
    b[input.length + 2] = 0;
    b[input.length + 3] = 0;
    this.buf = b;
    this.p = 0;
    this.len = input.length * 8;
  }

  get bitPosition(): number {
    return this.p;
  }

  get bitsLeft(): number {
    return this.len - this.p;
  }

  /** True when only padding bits of the current byte remain. */
  get atEnd(): boolean {
    return this.len - this.p < 8;
  }

  /** True when every bit after the current byte is zero. */
  restIsZero(): boolean {
    for (let i = (this.p + 7) >>> 3; i < this.len >>> 3; i++) if (this.buf[i] !== 0) return false;
    return true;
  }

  private truncated(what: string): never {
    throw new ExiError('TRUNCATED', `stream ends inside ${what}`, this.p);
  }

  /** Reads n (0..32) bits as an unsigned number. */
  bits(n: number): number {
    const p = this.p;
    if (p + n > this.len) this.truncated(`a ${n}-bit field`);
    if (n > 24) return this.bits(n - 16) * 65536 + this.bits(16);
    const b = this.buf;
    const i = p >>> 3;
    // a 32-bit window from the byte holding the first bit; bytes past the end read as 0
    const win = (b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!;
    this.p = p + n;
    return n === 0 ? 0 : (win << (p & 7)) >>> (32 - n);
  }

  /** EXI Unsigned Integer; a number when it fits 2^53 exactly, otherwise a bigint. */
  uint(): number | bigint {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < SAFE_GROUPS; i++) {
      const b = this.bits(8);
      v += (b & 127) * mul;
      if (b < 128) return v;
      mul *= 128;
    }
    let big = BigInt(v);
    let shift = BigInt(7 * SAFE_GROUPS);
    // cap: 1 KiB of groups is far beyond any V2G integer; the stream length bounds it anyway
    for (let i = SAFE_GROUPS; i < 1024; i++) {
      const b = this.bits(8);
      big |= BigInt(b & 127) << shift;
      if (b < 128) return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
      shift += 7n;
    }
    throw new ExiError('LIMIT_EXCEEDED', 'unsigned integer longer than 1024 groups', this.bitPosition);
  }

  /** An Unsigned Integer used as a length or count: must be a safe number. */
  length(what: string): number {
    const v = this.uint();
    if (typeof v !== 'number') throw new ExiError('LIMIT_EXCEEDED', `${what} too large`, this.bitPosition);
    return v;
  }

  /** EXI String (length + 2, code points); a longer string than `maxLength` is INVALID_VALUE. */
  string(maxLength = Infinity): string {
    const start = this.bitPosition;
    const n = this.length('string length');
    if (n < 2) throw new ExiError('INVALID_VALUE', 'string table hit, but the V2G profile has no value partitions', start);
    const len = n - 2;
    if (len > maxLength) throw new ExiError('INVALID_VALUE', `string of ${len} characters, at most ${maxLength} allowed`, start);
    // every code point takes at least 8 bits: refuse lengths the stream cannot hold
    if (len * 8 > this.bitsLeft) throw new ExiError('LIMIT_EXCEEDED', `string length ${len} exceeds the stream`, start);
    const chars = this.chars;
    chars.length = 0;
    let ascii = true;
    let i = 0;
    // three ASCII code points per read, while they are ASCII
    for (; i + 3 <= len; i += 3) {
      const t = this.bits(24);
      if ((t & 0x808080) !== 0) {
        this.p -= 24;
        break;
      }
      chars.push(t >>> 16, (t >>> 8) & 0xff, t & 0xff);
    }
    for (; i < len; i++) {
      const c = this.bits(8);
      if (c < 128) chars.push(c);
      else {
        ascii = false;
        // multi-group code point: finish the unsigned integer
        let v = c & 127;
        let mul = 128;
        for (let g = 1; ; g++) {
          if (g > 3) throw new ExiError('INVALID_VALUE', 'code point out of range', this.bitPosition);
          const b = this.bits(8);
          v += (b & 127) * mul;
          if (b < 128) break;
          mul *= 128;
        }
        if (v > 0x10ffff) throw new ExiError('INVALID_VALUE', 'code point out of range', this.bitPosition);
        chars.push(v);
      }
    }
    if (ascii) {
      let s = '';
      for (let i = 0; i < chars.length; i += 4096) s += String.fromCharCode.apply(null, chars.slice(i, i + 4096));
      return s;
    }
    // in slices: a spread of 100k+ arguments overflows the call stack
    let s = '';
    for (let j = 0; j < chars.length; j += 4096) s += String.fromCodePoint(...chars.slice(j, j + 4096));
    return s;
  }

  /** EXI Binary as lowercase hex; a longer value than `maxLength` bytes is INVALID_VALUE. */
  binaryHex(maxLength = Infinity): string {
    const start = this.bitPosition;
    const n = this.length('binary length');
    if (n > maxLength) throw new ExiError('INVALID_VALUE', `binary of ${n} bytes, at most ${maxLength} allowed`, start);
    if (n * 8 > this.bitsLeft) throw new ExiError('LIMIT_EXCEEDED', `binary length ${n} exceeds the stream`, start);
    let s = '';
    if ((this.p & 7) === 0) {
      const at = this.p >>> 3;
      for (let i = 0; i < n; i++) s += HEX[this.buf[at + i]!];
      this.p += n * 8;
      return s;
    }
    let i = 0;
    for (; i + 3 <= n; i += 3) {
      const t = this.bits(24);
      s += HEX[t >>> 16]! + HEX[(t >>> 8) & 0xff]! + HEX[t & 0xff]!;
    }
    for (; i < n; i++) s += HEX[this.bits(8)];
    return s;
  }
}
