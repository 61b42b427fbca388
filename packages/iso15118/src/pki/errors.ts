/** What went wrong in the PKI functions; the CLI maps the `BAD_*` codes to usage errors. */
export type PkiErrorCode =
  /** `curve` is not P-256 or P-521. */
  | 'BAD_CURVE'
  /** The eMAID is not 14-15 letters and digits starting with a country code. */
  | 'BAD_EMAID'
  /** Another option is out of range (validity, EVSEID, PCID, organization, country). */
  | 'BAD_OPTION'
  /** The output folder exists and is not empty (and `force` was not given). */
  | 'OUT_EXISTS'
  /** A file `loadPki` needs is missing. */
  | 'NOT_FOUND'
  /** A PEM file, certificate or key does not parse. */
  | 'MALFORMED';

export class PkiError extends Error {
  override readonly name = 'PkiError';
  readonly code: PkiErrorCode;

  constructor(code: PkiErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export function isPkiError(value: unknown): value is PkiError {
  return value instanceof PkiError;
}
