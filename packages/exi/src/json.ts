// The JSON text form of decoded messages: bigints (64-bit integers beyond 2^53) become decimal
// strings, which the encoder accepts back, so encode(fromJson(toJson(decode(x)))) == x.
import type { ExiObject } from './runtime/codec.js';

export function toJson(value: ExiObject, indent?: number): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), indent);
}

export function fromJson(text: string): ExiObject {
  const v: unknown = JSON.parse(text);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new SyntaxError('a message is a JSON object');
  return v as ExiObject;
}
