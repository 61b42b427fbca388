// Bit-packed EXI output (EXI 1.0 §7: most significant bit first). One writer is reused across
// calls, so encoding allocates only the result.
import { ExiError } from './errors.js';

const HEX = '0123456789abcdef';
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX_VALUE[HEX.charCodeAt(i)] = i;
  HEX_VALUE[HEX.toUpperCase().charCodeAt(i)] = i;
}

// Results are views into 64 KiB slabs, as Node does for small Buffers: a fresh Uint8Array of
// more than 64 bytes is an off-heap allocation that costs more than encoding the message.
const SLAB = 64 * 1024;
let slab = new Uint8Array(SLAB);
let slabOffset = 0;
function pooledCopy(src: Uint8Array, n: number): Uint8Array {
  if (n > SLAB / 8) return src.slice(0, n);
  if (slabOffset + n > SLAB) {
    slab = new Uint8Array(SLAB);
    slabOffset = 0;
  }
  const out = slab.subarray(slabOffset, slabOffset + n);
  out.set(src.subarray(0, n));
  slabOffset = (slabOffset + n + 7) & ~7;
  return out;
}

export class BitWriter {
  private buf: Uint8Array;
  private pos = 0;
  /** pending bits, right-aligned; fewer than 8 */
  private acc = 0;
  private nacc = 0;

  constructor(initialSize = 1024) {
    this.buf = new Uint8Array(initialSize);
  }

  reset(): void {
    this.pos = 0;
    this.acc = 0;
    this.nacc = 0;
  }

  private grow(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let n = this.buf.length * 2;
    while (n < this.pos + extra) n *= 2;
    const b = new Uint8Array(n);
    b.set(this.buf.subarray(0, this.pos));
    this.buf = b;
  }

  /** Writes the n (0..32) bits of v (0 <= v < 2^n), most significant first. */
  bits(n: number, v: number): void {
    if (n > 24) {
      this.bits(n - 16, Math.floor(v / 65536));
      this.bits(16, v & 0xffff);
      return;
    }
    let acc = (this.acc << n) | v;
    let nacc = this.nacc + n;
    if (nacc >= 8) {
      if (this.pos + 4 > this.buf.length) this.grow(4);
      const buf = this.buf;
      let pos = this.pos;
      do {
        nacc -= 8;
        buf[pos++] = acc >>> nacc;
      } while (nacc >= 8);
      this.pos = pos;
      acc &= (1 << nacc) - 1;
    }
    this.acc = acc;
    this.nacc = nacc;
  }

  /** EXI Unsigned Integer: 7-bit groups, least significant first, high bit = more follows. */
  uint(v: number): void {
    while (v >= 128) {
      this.bits(8, (v % 128) | 128);
      v = Math.floor(v / 128);
    }
    this.bits(8, v);
  }

  uintBig(v: bigint): void {
    while (v >= 128n) {
      this.bits(8, Number(v & 127n) | 128);
      v >>= 7n;
    }
    this.bits(8, Number(v));
  }

  /** EXI String without string tables (valuePartitionCapacity 0): length + 2, then code points. */
  string(s: string): void {
    let ascii = true;
    for (let i = 0; i < s.length; i++) {
      if (s.charCodeAt(i) >= 128) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      this.uint(s.length + 2);
      this.grow(s.length + 4);
      // three 8-bit code points per write
      let i = 0;
      for (; i + 3 <= s.length; i += 3) this.bits(24, (s.charCodeAt(i) << 16) | (s.charCodeAt(i + 1) << 8) | s.charCodeAt(i + 2));
      for (; i < s.length; i++) this.bits(8, s.charCodeAt(i));
      return;
    }
    const cps = Array.from(s, (c) => c.codePointAt(0)!);
    this.uint(cps.length + 2);
    for (const cp of cps) this.uint(cp);
  }

  /** EXI Binary from a hex string: length, then the bytes. */
  binaryHex(hex: string, what: string): void {
    if (hex.length % 2 !== 0) throw new ExiError('INVALID_VALUE', `${what}: odd number of hex digits`);
    const n = hex.length >> 1;
    this.uint(n);
    this.grow(n + 4);
    let acc = 0;
    let k = 0;
    for (let i = 0; i < n; i++) {
      const c1 = hex.charCodeAt(2 * i);
      const c2 = hex.charCodeAt(2 * i + 1);
      const hi = c1 < 128 ? HEX_VALUE[c1]! : -1;
      const lo = c2 < 128 ? HEX_VALUE[c2]! : -1;
      if (hi < 0 || lo < 0) throw new ExiError('INVALID_VALUE', `${what}: not a hex string`);
      // three bytes per write
      acc = (acc << 8) | (hi << 4) | lo;
      if (++k === 3) {
        this.bits(24, acc);
        acc = 0;
        k = 0;
      }
    }
    if (k) this.bits(8 * k, acc);
  }

  /** Pads the last byte with zero bits and returns a copy of the stream. */
  finish(): Uint8Array {
    if (this.nacc > 0) {
      this.grow(1);
      this.buf[this.pos++] = (this.acc << (8 - this.nacc)) & 0xff;
      this.acc = 0;
      this.nacc = 0;
    }
    return pooledCopy(this.buf, this.pos);
  }
}
