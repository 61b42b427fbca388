// OCPP-J message framing ([J21] §4.2, [J201] §4.2, [J16] §4.2): text ⇄ typed frames, pure.
// CALL [2,id,action,payload], CALLRESULT [3,id,payload], CALLERROR [4,id,code,description,details],
// and in 2.1 only CALLRESULTERROR [5,…as CALLERROR] and SEND [6,id,action,payload].
import type { OcppErrorCode } from './errors.js';
import type { OcppVersion } from './versions.js';

export const MESSAGE_TYPE = { CALL: 2, CALLRESULT: 3, CALLERROR: 4, CALLRESULTERROR: 5, SEND: 6 } as const;
export type MessageTypeName = keyof typeof MESSAGE_TYPE;

/** [J21] §4.1.4 table 4: messageId is string[36]. */
export const MAX_MESSAGE_ID_LENGTH = 36;
/** [J21] table 7: ErrorDescription is string[255]. */
export const MAX_ERROR_DESCRIPTION_LENGTH = 255;

export type Payload = Record<string, unknown>;

export interface CallFrame {
  type: 'CALL';
  messageId: string;
  action: string;
  payload: Payload;
}
export interface CallResultFrame {
  type: 'CALLRESULT';
  messageId: string;
  payload: Payload;
}
export interface CallErrorFrame {
  type: 'CALLERROR' | 'CALLRESULTERROR';
  messageId: string;
  errorCode: string;
  errorDescription: string;
  errorDetails: Payload;
}
export interface SendFrame {
  type: 'SEND';
  messageId: string;
  action: string;
  payload: Payload;
}
export type OcppFrame = CallFrame | CallResultFrame | CallErrorFrame | SendFrame;

/** A message that could not be taken as a frame: what to answer (if anything) and why. */
export interface FrameRejection {
  /** the message type number, when it could be read */
  messageTypeId?: number;
  /** the id to answer with: the message's when readable, else "-1" ([J21] §4.2.3) */
  messageId: string;
  code: OcppErrorCode;
  description: string;
  /**
   * false when the message must not be answered with a CALLERROR: an unknown message type on
   * 1.6 ("SHALL ignore", [J16] §4.1.3), or a broken CALLRESULT/CALLERROR (never answered).
   */
  answer: boolean;
}

export type ParsedMessage = { ok: true; frame: OcppFrame } | ({ ok: false } & FrameRejection);

/** The types each version knows; 5 and 6 are new in 2.1 ([J21] §4.1.3 table 3). */
export function knownMessageTypes(version: OcppVersion): readonly number[] {
  return version === '2.1' ? [2, 3, 4, 5, 6] : [2, 3, 4];
}

/**
 * The code for a message that is not a valid RPC message at all (unparsable JSON, not an array,
 * unreadable id, …): RpcFrameworkError in 2.x; 1.6 has no such code, and FormationViolation
 * ("syntactically incorrect or not conform the PDU structure") is the nearest.
 */
export function frameworkErrorCode(version: OcppVersion): OcppErrorCode {
  return version === '1.6' ? 'FormatViolation' : 'RpcFrameworkError';
}

const isObject = (x: unknown): x is Payload => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The leading `[type, "id"` of a message that JSON.parse refused or that is too large to parse. */
export function sniffHead(text: string): { messageTypeId?: number; messageId?: string } {
  const m = /^\s*\[\s*(\d{1,3})\s*,\s*"([^"\\]{1,36})"/.exec(text.slice(0, 128));
  return m ? { messageTypeId: Number(m[1]), messageId: m[2] } : {};
}

export function parseMessage(text: string, version: OcppVersion): ParsedMessage {
  const framework = frameworkErrorCode(version);
  const reject = (r: Omit<FrameRejection, 'answer'> & { answer?: boolean }): ParsedMessage => ({
    ok: false,
    // a broken answer is never answered; anything that may have been a CALL is
    answer: r.answer ?? !(r.messageTypeId === 3 || r.messageTypeId === 4 || r.messageTypeId === 5),
    ...r,
  });
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    const head = sniffHead(text);
    return reject({ ...head, messageId: head.messageId ?? '-1', code: framework, description: 'message is not valid JSON' });
  }
  if (!Array.isArray(msg) || msg.length === 0) return reject({ messageId: '-1', code: framework, description: 'message is not a JSON array' });
  const [typeId, id] = msg as unknown[];
  if (typeof typeId !== 'number' || !Number.isInteger(typeId)) return reject({ messageId: '-1', code: framework, description: 'MessageTypeId is not an integer' });
  const readableId = typeof id === 'string' && id.length > 0 && id.length <= MAX_MESSAGE_ID_LENGTH ? id : undefined;
  if (!knownMessageTypes(version).includes(typeId)) {
    // [J201] §4.4: answered with MessageTypeNotSupported; [J16] §4.1.3: the payload is ignored
    if (version === '1.6') return reject({ messageTypeId: typeId, messageId: readableId ?? '-1', code: 'GenericError', description: `message type ${typeId} is not supported`, answer: false });
    return reject({ messageTypeId: typeId, messageId: readableId ?? '-1', code: 'MessageTypeNotSupported', description: `message type ${typeId} is not supported`, answer: true });
  }
  if (typeof id !== 'string' || id.length === 0) return reject({ messageTypeId: typeId, messageId: '-1', code: framework, description: 'MessageId is not a non-empty string' });
  if (id.length > MAX_MESSAGE_ID_LENGTH) {
    // readable, so echoed: the sender can match the refusal to its CALL
    return reject({ messageTypeId: typeId, messageId: id, code: framework, description: `MessageId is longer than ${MAX_MESSAGE_ID_LENGTH} characters` });
  }
  // [J16] §4.2.1: an empty payload may be null or {}; taken as {}
  const payloadOf = (x: unknown): Payload | undefined => (x === null ? {} : isObject(x) ? x : undefined);
  switch (typeId) {
    case MESSAGE_TYPE.CALL:
    case MESSAGE_TYPE.SEND: {
      const type = typeId === MESSAGE_TYPE.CALL ? 'CALL' : 'SEND';
      if (msg.length !== 4) return reject({ messageTypeId: typeId, messageId: id, code: framework, description: `a ${type} has 4 elements, not ${msg.length}` });
      const [, , action, rawPayload] = msg as unknown[];
      if (typeof action !== 'string' || action.length === 0) return reject({ messageTypeId: typeId, messageId: id, code: framework, description: 'Action is not a non-empty string' });
      const payload = payloadOf(rawPayload);
      if (!payload) return reject({ messageTypeId: typeId, messageId: id, code: 'FormatViolation', description: 'payload is not a JSON object' });
      return { ok: true, frame: { type, messageId: id, action, payload } };
    }
    case MESSAGE_TYPE.CALLRESULT: {
      const payload = msg.length === 3 ? payloadOf(msg[2]) : undefined;
      if (!payload) return reject({ messageTypeId: typeId, messageId: id, code: 'FormatViolation', description: 'a CALLRESULT is [3, id, {payload}]' });
      return { ok: true, frame: { type: 'CALLRESULT', messageId: id, payload } };
    }
    case MESSAGE_TYPE.CALLERROR:
    case MESSAGE_TYPE.CALLRESULTERROR: {
      const [, , code, description, details] = msg as unknown[];
      // ErrorDetails is required, but a peer that leaves it out still says what went wrong
      if ((msg.length !== 5 && msg.length !== 4) || typeof code !== 'string' || typeof description !== 'string' || (details !== undefined && !isObject(details))) {
        return reject({ messageTypeId: typeId, messageId: id, code: framework, description: 'a CALLERROR is [4, id, code, description, {details}]' });
      }
      const type = typeId === MESSAGE_TYPE.CALLERROR ? 'CALLERROR' : 'CALLRESULTERROR';
      return { ok: true, frame: { type, messageId: id, errorCode: code, errorDescription: description, errorDetails: (details as Payload | undefined) ?? {} } };
    }
    default:
      return reject({ messageTypeId: typeId, messageId: id, code: framework, description: `message type ${typeId}` });
  }
}

export function serializeFrame(frame: OcppFrame): string {
  switch (frame.type) {
    case 'CALL':
      return JSON.stringify([MESSAGE_TYPE.CALL, frame.messageId, frame.action, frame.payload]);
    case 'SEND':
      return JSON.stringify([MESSAGE_TYPE.SEND, frame.messageId, frame.action, frame.payload]);
    case 'CALLRESULT':
      return JSON.stringify([MESSAGE_TYPE.CALLRESULT, frame.messageId, frame.payload]);
    case 'CALLERROR':
    case 'CALLRESULTERROR':
      return JSON.stringify([
        MESSAGE_TYPE[frame.type],
        frame.messageId,
        frame.errorCode,
        frame.errorDescription.slice(0, MAX_ERROR_DESCRIPTION_LENGTH),
        frame.errorDetails,
      ]);
    default: {
      const never: never = frame;
      throw new Error(`unknown frame ${JSON.stringify(never)}`);
    }
  }
}
