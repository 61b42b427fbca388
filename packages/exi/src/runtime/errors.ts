// Typed EXI errors: every failure says what went wrong, where in the stream (bit position),
// and where in the message (element path), so protocol layers can map it to their FAILED codes.

export type ExiErrorCode =
  /** the stream ended in the middle of an event or value */
  | 'TRUNCATED'
  /** not the V2G EXI header 0x80 (options, cookie or version present) */
  | 'BAD_HEADER'
  /** an event code outside the grammar, or a second-level event (xsi:type, xsi:nil, untyped
   *  content, wildcard content) that the V2G profile does not use */
  | 'UNSUPPORTED_EVENT'
  /** a value that its datatype cannot carry (range, enumeration, characters, length) */
  | 'INVALID_VALUE'
  /** content that the schema does not allow here (missing, unexpected or unknown element) */
  | 'INVALID_CONTENT'
  /** bytes after the end of the document */
  | 'TRAILING_DATA'
  /** a length field that exceeds what is left in the stream or the configured limit */
  | 'LIMIT_EXCEEDED'
  /** no such root element or codec */
  | 'UNKNOWN_ELEMENT';

export class ExiError extends Error {
  override readonly name = 'ExiError';
  constructor(
    readonly code: ExiErrorCode,
    /** what went wrong, without the position */
    readonly detail: string,
    /** bit offset in the stream (header included) where the problem was found; -1 when encoding */
    readonly bitPosition: number = -1,
    /** element path, e.g. V2G_Message/Body/CurrentDemandReq */
    readonly path: string = '',
  ) {
    super(`${code}: ${detail}${path ? ` at ${path}` : ''}${bitPosition >= 0 ? ` (bit ${bitPosition})` : ''}`);
  }
}

export const isExiError = (e: unknown): e is ExiError => e instanceof ExiError;
