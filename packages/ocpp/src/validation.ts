// Schema validation of every payload against the negotiated version's OCA schemas (generated
// Ajv standalone validators), and the OCPP-J error code each schema failure maps to ([J21] §4.3):
//   required, minItems, maxItems                      → OccurrenceConstraintViolation
//   type (of a field)                                 → TypeConstraintViolation
//   type (of the payload itself: not an object)       → FormatViolation
//   enum, maxLength, minimum, maximum, format, …      → PropertyConstraintViolation
//   additionalProperties (a field the PDU lacks)      → ProtocolError ("not conform the PDU
//                                                       structure"); 1.6: FormationViolation
import { OcppValidationError, type OcppErrorCode, type PayloadDirection } from './errors.js';
import { callActions16, sendActions16 } from './generated/types16.js';
import { callActions201, sendActions201 } from './generated/types201.js';
import { callActions21, sendActions21 } from './generated/types21.js';
import { validators as validators16 } from './generated/validators16.js';
import { validators as validators201 } from './generated/validators201.js';
import { validators as validators21 } from './generated/validators21.js';
import type { SchemaError, SchemaValidator } from './validator-types.js';
import type { OcppVersion } from './versions.js';

export type MessageKind = 'request' | 'response' | 'send';

const VALIDATORS: Record<OcppVersion, Readonly<Record<string, SchemaValidator>>> = {
  '1.6': validators16,
  '2.0.1': validators201,
  '2.1': validators21,
};
const CALL_ACTIONS: Record<OcppVersion, ReadonlySet<string>> = {
  '1.6': new Set(callActions16),
  '2.0.1': new Set(callActions201),
  '2.1': new Set(callActions21),
};
const SEND_ACTIONS: Record<OcppVersion, ReadonlySet<string>> = {
  '1.6': new Set<string>(sendActions16),
  '2.0.1': new Set<string>(sendActions201),
  '2.1': new Set<string>(sendActions21),
};

/** Whether `action` is a CALL action of `version` (else a CALL of it gets NotImplemented). */
export function isCallAction(version: OcppVersion, action: string): boolean {
  return CALL_ACTIONS[version].has(action);
}

/** Whether `action` is a SEND action of `version` (2.1: NotifyPeriodicEventStream). */
export function isSendAction(version: OcppVersion, action: string): boolean {
  return SEND_ACTIONS[version].has(action);
}

export function callActions(version: OcppVersion): readonly string[] {
  return [...CALL_ACTIONS[version]];
}

/** The message name as the standard spells it: BootNotificationRequest, …Response; a SEND's is its action. */
export function messageName(action: string, kind: MessageKind): string {
  return kind === 'request' ? `${action}Request` : kind === 'response' ? `${action}Response` : action;
}

/** The OCPP-J error code for one schema failure (see the table at the top of this file). */
export function schemaErrorCode(error: SchemaError, version: OcppVersion): OcppErrorCode {
  switch (error.keyword) {
    case 'required':
    case 'minItems':
    case 'maxItems':
      return 'OccurrenceConstraintViolation';
    case 'type':
      return error.instancePath === '' ? 'FormatViolation' : 'TypeConstraintViolation';
    case 'additionalProperties':
      return version === '1.6' ? 'FormatViolation' : 'ProtocolError';
    case 'enum':
    case 'const':
    case 'maxLength':
    case 'minLength':
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'multipleOf':
    case 'format':
    case 'pattern':
      return 'PropertyConstraintViolation';
    default:
      return 'FormatViolation';
  }
}

/** `<path>: <problem>`; the path is a JSON pointer into the payload ('' for the payload itself). */
function describe(e: SchemaError): string {
  const p = e.params;
  const at = e.instancePath;
  switch (e.keyword) {
    case 'required':
      return `${at}/${String(p.missingProperty)}: required field is missing`;
    case 'additionalProperties':
      return `${at}/${String(p.additionalProperty)}: field is not in the schema`;
    case 'type':
      return `${at}: must be ${String(p.type)}`;
    case 'enum':
      return `${at}: not one of the allowed values`;
    case 'maxLength':
    case 'maxItems':
      return `${at}: longer than ${String(p.limit)}`;
    case 'minItems':
      return `${at}: fewer than ${String(p.limit)} items`;
    case 'minimum':
    case 'maximum':
      return `${at}: must be ${String(p.comparison)} ${String(p.limit)}`;
    case 'multipleOf':
      return `${at}: must be a multiple of ${String(p.multipleOf)}`;
    case 'format':
      return `${at}: not a valid ${String(p.format)}`;
    default:
      return `${at}: fails ${e.keyword}`;
  }
}

/**
 * Checks one payload. Returns the failure as an OcppValidationError (code per the table above),
 * or undefined when the payload is valid. An action without a schema in `version` is a failure
 * too (NotImplemented), so nothing unchecked goes out or comes in.
 */
export function validatePayload(
  version: OcppVersion,
  action: string,
  kind: MessageKind,
  payload: unknown,
  direction: PayloadDirection,
): OcppValidationError | undefined {
  const name = messageName(action, kind);
  const validate = VALIDATORS[version][name];
  if (!validate) return new OcppValidationError('NotImplemented', `${name} is not a message of OCPP ${version}`, {}, direction, name);
  if (validate(payload)) return undefined;
  const error = validate.errors?.[0];
  if (!error) return new OcppValidationError('FormatViolation', `${name}: invalid`, {}, direction, name);
  return new OcppValidationError(
    schemaErrorCode(error, version),
    `${name}${describe(error)}`,
    { keyword: error.keyword, instancePath: error.instancePath },
    direction,
    name,
  );
}
