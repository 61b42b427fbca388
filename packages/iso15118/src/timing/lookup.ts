import { V2G_PROTOCOLS, V2G_TIMING } from './table.js';
import type { V2gMessageTiming, V2gProtocol, V2gProtocolTiming, V2gTimer } from './table.js';

export type V2gTimingErrorCode = 'UNKNOWN_MESSAGE' | 'UNKNOWN_TIMER' | 'UNKNOWN_PROTOCOL';

export class V2gTimingError extends Error {
  override readonly name = 'V2gTimingError';
  readonly code: V2gTimingErrorCode;

  constructor(code: V2gTimingErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * The table key of a message: `SessionSetupReq`, `SessionSetupRes` and `SessionSetup` all give
 * `SessionSetup`; `supportedAppProtocolReq` (the schema spells it with a lower-case s) gives
 * `SupportedAppProtocol`.
 */
export function timingMessageKey(message: string): string {
  const base = /(Req|Res)$/.test(message) ? message.slice(0, -3) : message;
  return base.charAt(0).toUpperCase() + base.slice(1);
}

function protocolTiming(protocol: V2gProtocol): V2gProtocolTiming {
  // Checked at run time too: the protocol often comes from configuration or a handshake.
  if (!V2G_PROTOCOLS.includes(protocol)) {
    throw new V2gTimingError('UNKNOWN_PROTOCOL', `no timing table for protocol '${String(protocol)}'`);
  }
  return V2G_TIMING[protocol];
}

/** The table entry of a request/response pair, or undefined. Accepts `X`, `XReq` or `XRes`. */
export function findMessageTiming(protocol: V2gProtocol, message: string): V2gMessageTiming | undefined {
  const messages = protocolTiming(protocol).messages;
  const key = timingMessageKey(message);
  return Object.hasOwn(messages, key) ? messages[key] : undefined;
}

function messageTiming(protocol: V2gProtocol, message: string): V2gMessageTiming {
  const timing = findMessageTiming(protocol, message);
  if (timing === undefined) {
    throw new V2gTimingError('UNKNOWN_MESSAGE', `no ${protocol} timing for message '${message}'`);
  }
  return timing;
}

/** V2G_EVCC_Msg_Timeout in ms: how long the EVCC waits for the response. Throws {@link V2gTimingError}. */
export function evccMessageTimeout(protocol: V2gProtocol, message: string): number {
  return messageTiming(protocol, message).evccTimeoutMs;
}

/** V2G_SECC_Msg_Performance_Time in ms: how soon the SECC should respond. Throws {@link V2gTimingError}. */
export function seccPerformanceTime(protocol: V2gProtocol, message: string): number {
  return messageTiming(protocol, message).seccPerformanceMs;
}

/** Any other timer of a protocol (or `sdp`), e.g. `v2gTimer('iso2', 'V2G_EVCC_CableCheck_Timeout')`. */
export function v2gTimer(protocol: V2gProtocol | 'sdp', name: string): V2gTimer {
  const timers: Readonly<Record<string, V2gTimer>> =
    protocol === 'sdp' ? V2G_TIMING.sdp.timers : protocolTiming(protocol).timers;
  if (!Object.hasOwn(timers, name)) {
    throw new V2gTimingError('UNKNOWN_TIMER', `no ${protocol} timer '${name}'`);
  }
  return timers[name]!;
}
