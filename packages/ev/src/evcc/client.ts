// The EVCC of the EV process: connects to the SECC (TCP or TLS), offers its protocols in
// SupportedAppProtocol, then runs the session with the standard's timeouts: a response later than
// V2G_EVCC_Msg_Timeout stops the session and closes TCP. Every message is traced with
// its response time against the budget. ISO 15118-20 is offered only over TLS 1.3 (the EV's
// OEM provisioning certificate presented) or plain TCP; each -20 message travels in the V2GTP
// payload type of its namespace.
import { getCodec, type ExiObject } from '@v2xsim/exi';
import {
  V2gtpPayloadType,
  appProtocolReq,
  chosenAppProtocol,
  connectToSecc,
  din,
  findMessageTiming,
  iso2,
  iso20,
  v2gTimer,
  v2gtpPayloadTypeName,
  isV2gTransportError,
  type AppProtocolId,
  type AppProtocolInfo,
  type EvccTlsOptions,
  type V2gConnection,
} from '@v2xsim/iso15118';
import type { TraceTiming, Tracer } from '@v2xsim/trace';

/** What the client needs of a protocol session (ISO 15118-2 and DIN 70121 cores alike). */
interface ProtocolSession {
  readonly id: string;
  start(): { request: object | null; name?: string; delayMs: number; error?: string };
  onResponse(doc: never): { request: object | null; name?: string; delayMs: number; error?: string };
}

export interface EvccClientOptions {
  /** the EV; an ISO 15118-2 EV serves DIN 70121 too (DC) */
  ev: iso2.EvccEv;
  /** protocols to offer, most preferred first */
  protocols: readonly AppProtocolId[];
  host: string;
  port: number;
  tls?: EvccTlsOptions;
  tracer: Tracer;
  session?: iso2.EvccOptions;
  /** the EV behind an ISO 15118-20 session; without it -20 is not offered */
  ev20?: iso20.EvccEv20;
  /** ISO 15118-20 Plug & Charge: the contract */
  pnc20?: iso20.Evcc20Pnc;
  /** shorter values for the standard's phase timers, by name (tests) */
  timerOverrides?: Partial<Record<PhaseTimer | 'V2G_EVCC_CommunicationSetup_Timeout', number>>;
}

type PhaseTimer = 'V2G_EVCC_Ongoing_Timeout' | 'V2G_EVCC_CableCheck_Timeout' | 'V2G_EVCC_PreCharge_Timeout';

/** Requests that repeat while the EVSE is busy, and the timer that bounds the repetition. */
const PHASE_TIMERS: Record<string, PhaseTimer> = {
  AuthorizationReq: 'V2G_EVCC_Ongoing_Timeout', // [V2G2-711]
  ContractAuthenticationReq: 'V2G_EVCC_Ongoing_Timeout',
  ChargeParameterDiscoveryReq: 'V2G_EVCC_Ongoing_Timeout',
  CableCheckReq: 'V2G_EVCC_CableCheck_Timeout', // [V2G2-700]
  PreChargeReq: 'V2G_EVCC_PreCharge_Timeout', // [V2G2-704]
};

export interface EvccSessionSummary {
  protocol?: string;
  namespace?: string;
  sessionId?: string;
  /** requests sent, by message name */
  messages: Record<string, number>;
  /** responses that took longer than their budget (V2G_EVCC_Msg_Timeout) */
  breaches: { message: string; elapsedMs: number; budgetMs: number }[];
  /** ISO 15118-20: each schedule renegotiation, start → PowerDelivery(Start) sent, against SCALE_Renegotiation_Timeout (SCALE D2.3 §11.2) */
  renegotiations?: { elapsedMs: number; budgetMs: number; breach: boolean }[];
  /** the TLS version of the connection (undefined on TCP) */
  tlsVersion?: string;
  ok: boolean;
  error?: string;
}

const PROTOCOL_NAME: Record<string, string> = { din: 'din70121', iso2: 'iso15118-2', 'iso2-scale': 'iso15118-2' };
const isIso20 = (id: AppProtocolId): boolean => id.startsWith('iso20');
/** The -20 phases whose repetition a timer bounds. */
const PHASE_TIMERS_20: Record<NonNullable<iso20.Evcc20Step['phase']>, PhaseTimer> = {
  Ongoing: 'V2G_EVCC_Ongoing_Timeout',
  CableCheck: 'V2G_EVCC_CableCheck_Timeout',
  PreCharge: 'V2G_EVCC_PreCharge_Timeout',
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The response to the request `name`, within its V2G_EVCC_Msg_Timeout. No response in time is a
 * breach of that budget too (the summary lists it) and the error names the request.
 */
async function receiveResponse(conn: V2gConnection, summary: EvccSessionSummary, name: string, budgetMs: number, t0: number): Promise<Awaited<ReturnType<V2gConnection['receive']>>> {
  try {
    return await conn.receive({ timeoutMs: budgetMs });
  } catch (e) {
    if (!isV2gTransportError(e) || e.code !== 'RECEIVE_TIMEOUT') throw e;
    summary.breaches.push({ message: name, elapsedMs: performance.now() - t0, budgetMs });
    throw new Error(`timeout: no response to ${name} within V2G_EVCC_Msg_Timeout (${budgetMs} ms)`);
  }
}

export async function runEvccSession(opts: EvccClientOptions): Promise<EvccSessionSummary> {
  const summary: EvccSessionSummary = { messages: {}, breaches: [], ok: false };
  // V2G_EVCC_CommunicationSetup_Timeout runs from here (the session start) to SessionSetupRes
  const started = performance.now();
  let conn: V2gConnection;
  try {
    conn = await connectToSecc({ host: opts.host, port: opts.port, ...(opts.tls ? { tls: opts.tls } : {}) });
  } catch (e) {
    return { ...summary, error: `connect: ${String(e)}` };
  }
  const peer = `[${opts.host}]:${opts.port}`;
  if (conn.tls) summary.tlsVersion = conn.tls.protocol ?? undefined;
  // -20 only over TLS 1.3 (mutual authentication) or TCP, and only with an EV that speaks it
  const iso20Possible = opts.ev20 !== undefined && (conn.tls === undefined || conn.tls.protocol === 'TLSv1.3');
  const offered = opts.protocols.filter((p) => !isIso20(p) || iso20Possible);
  const trace = (direction: 'tx' | 'rx', protocol: string, message: string, extra: Partial<Parameters<Tracer['message']>[0]>) =>
    opts.tracer.message({ protocol, direction, message, peer, ...extra });

  /** one request → response exchange with its timeout and budget */
  const exchange = async (proto: 'din' | 'iso2', codecId: string, protocolName: string, name: string, doc: object, correlationId?: string) => {
    const codec = getCodec(codecId);
    const bytes = codec.encode(doc as ExiObject);
    const budgetMs = msgTimeout(proto, name);
    summary.messages[name] = (summary.messages[name] ?? 0) + 1;
    const t0 = performance.now();
    await conn.send(V2gtpPayloadType.Exi, bytes);
    // the SCALE -2 namespace as the trace's version, as the SECC traces it (not the handshake's)
    const version = protocol?.id === 'iso2-scale' && codecId !== 'apphand' ? { version: protocol.namespace } : {};
    trace('tx', protocolName, name, { size: bytes.length, body: doc, ...(correlationId ? { correlationId } : {}), ...version });
    const msg = await receiveResponse(conn, summary, name, budgetMs, t0);
    const elapsedMs = performance.now() - t0;
    const timing: TraceTiming = { kind: 'evcc-msg-timeout', elapsedMs, budgetMs, breach: elapsedMs > budgetMs };
    if (timing.breach) summary.breaches.push({ message: name, elapsedMs, budgetMs });
    const res = codec.decode(msg.payload);
    const resName = Object.keys(res)[0] === 'V2G_Message' ? (iso2.messageName((res as unknown as { V2G_Message: { Body: iso2.Body } }).V2G_Message.Body) ?? 'V2G_Message') : Object.keys(res)[0]!;
    trace('rx', protocolName, resName, { size: msg.payload.length, body: res, timing, ...(correlationId ? { correlationId } : {}), ...version });
    return res;
  };

  let protocol: AppProtocolInfo | undefined;
  try {
    if (offered.length === 0) throw new Error(`no protocol to offer: ISO 15118-20 needs TLS 1.3 with the EV's OEM provisioning certificate, the SECC gave ${conn.tls?.protocol ?? 'TCP'}`);
    const sap = await exchange('iso2', 'apphand', 'apphand', 'supportedAppProtocolReq', appProtocolReq(offered));
    protocol = chosenAppProtocol(offered, (sap as unknown as { supportedAppProtocolRes: Parameters<typeof chosenAppProtocol>[1] }).supportedAppProtocolRes);
    if (!protocol) throw new Error('SupportedAppProtocol: no common protocol');
    summary.protocol = protocol.id;
    summary.namespace = protocol.namespace;
    if (isIso20(protocol.id)) {
      await run20({ opts, conn, protocol, summary, trace, started });
      summary.ok = true;
      return summary;
    }
    let session: ProtocolSession;
    let timingProtocol: 'iso2' | 'din';
    if (protocol.id === 'iso2' || protocol.id === 'iso2-scale') {
      session = new iso2.EvccSession(opts.ev, { ...opts.session, codec: protocol.codec });
      timingProtocol = 'iso2';
    } else if (protocol.id === 'din') {
      session = new din.EvccSession(opts.ev, opts.session);
      timingProtocol = 'din';
    } else throw new Error(`${protocol.id} sessions are not run by this EVCC yet`);
    const timer = (name: PhaseTimer | 'V2G_EVCC_CommunicationSetup_Timeout'): number => {
      const override = opts.timerOverrides?.[name];
      if (override !== undefined) return override;
      try {
        return v2gTimer(timingProtocol, name).value;
      } catch {
        return v2gTimer('iso2', name).value; // DIN has no Ongoing timer of its own
      }
    };
    let phase: { timer: PhaseTimer; since: number } | undefined;
    let step = session.start();
    while (step.request) {
      if (step.delayMs > 0) await sleep(step.delayMs);
      // a repeated request (EVSEProcessing Ongoing, cable check, pre-charge) is bounded by its
      // timer: past it the EV stops the session and closes TCP
      const bound = PHASE_TIMERS[step.name!];
      if (!bound) phase = undefined;
      else if (phase?.timer !== bound) phase = { timer: bound, since: performance.now() };
      else if (performance.now() - phase.since > timer(bound)) throw new Error(`${bound} (${timer(bound)} ms) expired in ${step.name}`);
      const res = await exchange(timingProtocol, protocol.codec, PROTOCOL_NAME[protocol.id]!, step.name!, step.request, session.id);
      if (step.name === 'SessionSetupReq' && performance.now() - started > timer('V2G_EVCC_CommunicationSetup_Timeout'))
        throw new Error(`V2G_EVCC_CommunicationSetup_Timeout (${timer('V2G_EVCC_CommunicationSetup_Timeout')} ms) expired before SessionSetupRes`);
      step = session.onResponse(res as never);
    }
    summary.sessionId = session.id;
    if (step.error) throw new Error(step.error);
    summary.ok = true;
  } catch (e) {
    // on a timeout or a FAILED response the EVCC stops and closes TCP
    summary.error = isV2gTransportError(e) && e.code === 'RECEIVE_TIMEOUT' ? `timeout: ${e.message}` : e instanceof Error ? e.message : String(e);
  } finally {
    await conn.close();
  }
  return summary;
}

/** V2G_EVCC_Msg_Timeout of a request (2 s for one the table does not list). */
function msgTimeout(protocol: 'din' | 'iso2' | 'iso20', name: string): number {
  return findMessageTiming(protocol, name)?.evccTimeoutMs ?? 2000;
}

interface Run20 {
  opts: EvccClientOptions;
  conn: V2gConnection;
  protocol: AppProtocolInfo;
  summary: EvccSessionSummary;
  trace: (direction: 'tx' | 'rx', protocol: string, message: string, extra: Partial<Parameters<Tracer['message']>[0]>) => void;
  /** performance.now() at the session start (V2G_EVCC_CommunicationSetup_Timeout) */
  started: number;
}

/**
 * One ISO 15118-20 session: each request in the payload type of its namespace, each response
 * decoded with the codec of the payload type it came in (an unexpected one stops the session),
 * the -20 message timeouts (0.5 s in the charge loop), the Ongoing, CableCheck and PreCharge
 * timers, and every schedule renegotiation measured against SCALE_Renegotiation_Timeout.
 * Throws on any error (the caller closes the connection).
 */
async function run20({ opts, conn, protocol, summary, trace, started }: Run20): Promise<void> {
  if (!opts.ev20) throw new Error('this EV does not run ISO 15118-20');
  const name20 = 'iso15118-20';
  const version = protocol.id.endsWith('-scale') ? protocol.namespace : undefined;
  const timer = (name: PhaseTimer | 'V2G_EVCC_CommunicationSetup_Timeout'): number => opts.timerOverrides?.[name] ?? v2gTimer('iso20', name).value;
  const renegotiationBudget = v2gTimer('iso20', 'SCALE_Renegotiation_Timeout').value;
  const pacing = opts.session ?? {};
  const session = new iso20.Evcc20Session(opts.ev20, {
    protocol,
    ...(opts.pnc20 ? { pnc: opts.pnc20 } : {}),
    ...(pacing.loopDelayMs !== undefined ? { loopDelayMs: pacing.loopDelayMs } : {}),
    ...(pacing.ongoingDelayMs !== undefined ? { ongoingDelayMs: pacing.ongoingDelayMs } : {}),
  });
  let phase: { timer: PhaseTimer; message: string; since: number } | undefined;
  let renegotiationStart: number | undefined;
  let step = session.start();
  while (step.request) {
    const name = step.name!;
    if (step.delayMs > 0) await sleep(step.delayMs);
    // a repeated request (EVSEProcessing Ongoing, cable check, pre-charge) is bounded by its timer
    const bound = step.phase ? PHASE_TIMERS_20[step.phase] : undefined;
    if (!bound) phase = undefined;
    else if (phase?.timer !== bound || phase.message !== name) phase = { timer: bound, message: name, since: performance.now() };
    else if (performance.now() - phase.since > timer(bound)) throw new Error(`${bound} (${timer(bound)} ms) expired in ${name}`);
    let timing: TraceTiming | undefined;
    if (step.renegotiation === 'started') renegotiationStart ??= performance.now();
    else if (step.renegotiation === 'finished' && renegotiationStart !== undefined) {
      const elapsedMs = performance.now() - renegotiationStart;
      timing = { kind: 'scale-renegotiation', elapsedMs, budgetMs: renegotiationBudget, breach: elapsedMs > renegotiationBudget };
      (summary.renegotiations ??= []).push({ elapsedMs, budgetMs: renegotiationBudget, breach: timing.breach });
      renegotiationStart = undefined;
    }
    const bytes = getCodec(step.codec!).encode(step.request as unknown as ExiObject);
    const budgetMs = msgTimeout('iso20', name);
    summary.messages[name] = (summary.messages[name] ?? 0) + 1;
    const t0 = performance.now();
    await conn.send(step.payloadType as V2gtpPayloadType, bytes);
    const tx = { correlationId: session.id, ...(version ? { version } : {}) };
    trace('tx', name20, name, { size: bytes.length, body: step.request, ...tx, ...(timing ? { timing } : {}) });
    const msg = await receiveResponse(conn, summary, name, budgetMs, t0);
    const elapsedMs = performance.now() - t0;
    const rxTiming: TraceTiming = { kind: 'evcc-msg-timeout', elapsedMs, budgetMs, breach: elapsedMs > budgetMs };
    if (rxTiming.breach) summary.breaches.push({ message: name, elapsedMs, budgetMs });
    const codecId = iso20.codecForPayloadType(protocol, msg.payloadType);
    if (codecId === undefined) {
      const error = `unexpected V2GTP payload type ${v2gtpPayloadTypeName(msg.payloadType)} in an ${protocol.id} session`;
      trace('rx', name20, 'V2G_Message', { size: msg.payload.length, error, timing: rxTiming, ...tx });
      throw new Error(error);
    }
    let res: iso20.Iso20Message;
    try {
      res = getCodec(codecId).decode(msg.payload) as unknown as iso20.Iso20Message;
    } catch (e) {
      trace('rx', name20, 'V2G_Message', { size: msg.payload.length, error: String(e), timing: rxTiming, ...tx });
      throw new Error(`undecodable response to ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
    trace('rx', name20, iso20.messageName(res) ?? 'V2G_Message', { size: msg.payload.length, body: res, timing: rxTiming, ...tx });
    if (name === 'SessionSetupReq' && performance.now() - started > timer('V2G_EVCC_CommunicationSetup_Timeout'))
      throw new Error(`V2G_EVCC_CommunicationSetup_Timeout (${timer('V2G_EVCC_CommunicationSetup_Timeout')} ms) expired before SessionSetupRes`);
    step = session.onResponse(res);
  }
  summary.sessionId = session.id;
  if (step.error) throw new Error(step.error);
}
