// Typed errors of the CSMS store. Callers branch on `code`, never on the message text.

export type StoreErrorCode =
  /** the database was written by a newer v2xsim (a migration this code does not know) */
  | 'SchemaTooNew'
  /** an applied migration's name differs from this code's migration of the same version */
  | 'SchemaMismatch'
  /** a row the operation needs does not exist */
  | 'NotFound'
  /** input that cannot be stored (bad timestamp, bad enum value) */
  | 'InvalidInput';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}
