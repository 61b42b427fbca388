import { checkV2gtpHeader, resolveV2gtpPolicy } from './codec.js';
import type { V2gtpDecodeOptions, V2gtpHeader, V2gtpHeaderPolicy, V2gtpMessage } from './codec.js';
import { V2GTP_HEADER_LENGTH } from './constants.js';
import { V2gtpError } from './errors.js';

export interface V2gtpPushResult {
  /** Messages completed by this chunk, in stream order (also those before an error). */
  readonly messages: V2gtpMessage[];
  /** Set once the stream is unusable; the caller must close the connection. */
  readonly error: V2gtpError | undefined;
}

/**
 * Reassembles V2GTP messages from a TCP byte stream fed in arbitrary chunks.
 *
 * - Never throws on peer input: header errors come back in
 *   {@link V2gtpPushResult.error}. ISO 15118-2 §7.8.3 requires closing the TCP
 *   connection on a header error, and after one the stream position is
 *   meaningless, so the reader stays failed and keeps returning that error.
 * - The length field is checked against `maxPayloadLength` as soon as the
 *   8 header bytes are in, before buffering or allocating for the payload.
 * - Chunks are kept as a list and only concatenated when a message spanning
 *   several of them is complete; a message lying inside one chunk is returned
 *   as a zero-copy `subarray` of it. Hence chunks must not be mutated after
 *   `push`, and a payload aliases the chunk it came from.
 */
export class V2gtpReader {
  readonly #policy: V2gtpHeaderPolicy;
  /** Unconsumed chunks; every entry has at least one unconsumed byte. */
  #chunks: Uint8Array[] = [];
  /** Bytes of `#chunks[0]` already consumed. */
  #offset = 0;
  #buffered = 0;
  /** Header of the message whose payload is still incomplete. */
  #header: V2gtpHeader | undefined;
  #error: V2gtpError | undefined;

  constructor(options?: V2gtpDecodeOptions) {
    this.#policy = resolveV2gtpPolicy(options);
  }

  /** The fatal error, if any. */
  get error(): V2gtpError | undefined {
    return this.#error;
  }

  /** Bytes received but not yet returned as (part of) a message. */
  get bufferedLength(): number {
    return this.#buffered;
  }

  /** Feeds one chunk; returns the messages it completed and the error state. */
  push(chunk: Uint8Array): V2gtpPushResult {
    const messages: V2gtpMessage[] = [];
    if (this.#error !== undefined) return { messages, error: this.#error };
    if (chunk.length > 0) {
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
    }
    for (;;) {
      if (this.#header === undefined) {
        if (this.#buffered < V2GTP_HEADER_LENGTH) break;
        const bytes = this.#take(V2GTP_HEADER_LENGTH);
        const header = checkV2gtpHeader(new DataView(bytes.buffer, bytes.byteOffset, 8), 0, this.#policy);
        if (header instanceof V2gtpError) {
          this.#fail(header);
          break;
        }
        this.#header = header;
      }
      if (this.#buffered < this.#header.payloadLength) break;
      messages.push({ payloadType: this.#header.payloadType, payload: this.#take(this.#header.payloadLength) });
      this.#header = undefined;
    }
    return { messages, error: this.#error };
  }

  /**
   * Signals end of stream (TCP FIN). Returns a TRUNCATED error (and fails the
   * reader) if a message was cut off, else the existing error or undefined.
   */
  end(): V2gtpError | undefined {
    if (this.#error === undefined && (this.#buffered > 0 || this.#header !== undefined)) {
      const need = this.#header === undefined ? V2GTP_HEADER_LENGTH : this.#header.payloadLength;
      this.#fail(new V2gtpError('TRUNCATED', `stream ended with ${this.#buffered} of ${need} pending bytes`));
    }
    return this.#error;
  }

  #fail(error: V2gtpError): void {
    this.#error = error;
    this.#chunks = []; // release buffered data; nothing more will be parsed
    this.#offset = 0;
    this.#buffered = 0;
    this.#header = undefined;
  }

  /** Removes `n <= #buffered` bytes from the front: a view if they lie in one chunk, else one copy. */
  #take(n: number): Uint8Array {
    if (n === 0) return new Uint8Array(0);
    this.#buffered -= n;
    const first = this.#chunks[0]!;
    if (first.length - this.#offset >= n) {
      const out = first.subarray(this.#offset, this.#offset + n);
      this.#offset += n;
      if (this.#offset === first.length) {
        this.#chunks.shift();
        this.#offset = 0;
      }
      return out;
    }
    const out = new Uint8Array(n);
    let written = 0;
    let index = 0;
    let offset = this.#offset;
    while (written < n) {
      const chunk = this.#chunks[index]!;
      const count = Math.min(chunk.length - offset, n - written);
      out.set(chunk.subarray(offset, offset + count), written);
      written += count;
      offset += count;
      if (offset === chunk.length) {
        index += 1;
        offset = 0;
      }
    }
    this.#chunks.splice(0, index); // one splice, so a message spread over k chunks costs O(k)
    this.#offset = offset;
    return out;
  }
}

/**
 * Async-iterates the V2GTP messages of a byte stream, e.g. a `net.Socket`
 * or `tls.TLSSocket` (both are `AsyncIterable<Buffer>`). Rejects with a
 * {@link V2gtpError} on a header error or a message cut off by end of
 * stream; the caller should then destroy the socket.
 */
export async function* readV2gtpMessages(
  source: AsyncIterable<Uint8Array>,
  options?: V2gtpDecodeOptions,
): AsyncGenerator<V2gtpMessage, void, undefined> {
  const reader = new V2gtpReader(options);
  for await (const chunk of source) {
    const { messages, error } = reader.push(chunk);
    yield* messages;
    if (error !== undefined) throw error;
  }
  const error = reader.end();
  if (error !== undefined) throw error;
}
