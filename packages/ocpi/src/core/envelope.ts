// The response format every OCPI response carries (transport_and_format.asciidoc, Response format):
// { data?, status_code, status_message?, timestamp }.
import { ocpiNow } from './datetime.js';
import { OcpiStatus } from './status.js';

export interface OcpiResponse<T = unknown> {
  data?: T;
  status_code: number;
  status_message?: string;
  timestamp: string;
}

/** A success envelope. `data` left undefined is omitted, as 2.2.1-d2 advises where the spec does not define it. */
export function ocpiSuccess<T>(data?: T, statusMessage?: string): OcpiResponse<T> {
  // (one per response: no spreads; the properties in the order they always had)
  const r: OcpiResponse<T> = data === undefined ? ({} as OcpiResponse<T>) : ({ data } as OcpiResponse<T>);
  r.status_code = OcpiStatus.Success;
  if (statusMessage) r.status_message = statusMessage;
  r.timestamp = ocpiNow();
  return r;
}

/**
 * The JSON text of an envelope whose `data` is serialised already (`dataJson`): the text the
 * route's envelope schema gives through fast-json-stringify, which writes the required properties
 * first (status_code, timestamp), then data and status_message.
 */
export function envelopeText(envelope: OcpiResponse, dataJson: string | undefined): string {
  const data = dataJson === undefined ? '' : `,"data":${dataJson}`;
  const message = envelope.status_message === undefined ? '' : `,"status_message":${JSON.stringify(envelope.status_message)}`;
  return `{"status_code":${envelope.status_code},"timestamp":${JSON.stringify(envelope.timestamp)}${data}${message}}`;
}

export function ocpiFailure(statusCode: number, statusMessage: string, data?: unknown): OcpiResponse<never> {
  return { ...(data === undefined ? {} : { data: data as never }), status_code: statusCode, status_message: statusMessage, timestamp: ocpiNow() };
}

/** Does this parsed body look like an OCPI envelope? (status_code an integer, timestamp a string) */
export function isOcpiResponse(x: unknown): x is OcpiResponse {
  return !!x && typeof x === 'object' && Number.isInteger((x as OcpiResponse).status_code) && typeof (x as OcpiResponse).timestamp === 'string';
}
