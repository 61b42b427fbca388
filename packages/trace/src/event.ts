// The trace event: one per message a process sends or receives (ARCHITECTURE.md, "One trace
// format for everything"). Journeys and timing budgets are computed from these, never from logs.

export type TraceLink = 'ev-evse' | 'evse-csms' | 'csms-scsp' | 'control';
export type TraceDirection = 'tx' | 'rx';

export interface TraceTiming {
  /** what was measured, e.g. 'evcc-msg-timeout' (EV: request → response) or 'secc-performance' (EVSE: request → response sent) */
  kind: string;
  elapsedMs: number;
  budgetMs: number;
  breach: boolean;
}

export interface TraceEvent {
  /** wall-clock time in ms since the epoch, with sub-millisecond resolution */
  ts: number;
  /** simulation time in ms since the epoch (the shared sim clock), when the process has one */
  simTime?: number;
  /** who emits: 'ev', 'evse-1', 'csms', … */
  actor: string;
  /** the other side: its id or address */
  peer?: string;
  link: TraceLink;
  /** 'sdp', 'apphand', 'din70121', 'iso15118-2', 'iso15118-20', 'ocpp2.0.1', 'ocpi2.2.1', … */
  protocol: string;
  /** the negotiated namespace or version, where there is one (e.g. the SCALE variant) */
  version?: string;
  direction: TraceDirection;
  /** message name as the standard spells it: SessionSetupReq, NotifyEVChargingNeedsRequest, … */
  message: string;
  /** ISO 15118 SessionID (hex), OCPP message id, OCPI X-Request-ID */
  correlationId?: string;
  /** bytes on the wire (V2GTP payload, WebSocket frame, HTTP body) */
  size?: number;
  /** the decoded message in its JSON form */
  body?: unknown;
  timing?: TraceTiming;
  /** set when the message could not be decoded or was refused */
  error?: string;
}

/** Wall-clock now in ms since the epoch, with the resolution of performance.now(). */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}
