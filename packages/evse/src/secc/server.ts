// The SECC of the EVSE process: V2GTP over TCP/TLS, the SupportedAppProtocol handshake, then one
// protocol session per connection (ISO 15118-2 and its SCALE variant; DIN 70121; ISO 15118-20 and
// its SCALE variant). Sockets, timers and traces live here; the protocols themselves are the pure
// sessions of @v2xsim/iso15118.
import { ExiError, getCodec, type ExiObject } from '@v2xsim/exi';
import {
  V2gtpPayloadType,
  chooseAppProtocol,
  createSeccListener,
  din,
  findMessageTiming,
  iso2,
  iso20,
  isV2gTransportError,
  v2gTimer,
  v2gtpPayloadTypeName,
  type AppProtocolId,
  type AppProtocolInfo,
  type SeccListener,
  type SeccTlsOptions,
  type V2gConnection,
} from '@v2xsim/iso15118';
import type { TraceTiming, Tracer } from '@v2xsim/trace';

/** The EVSE as both protocol cores see it (DIN 70121 is a DC subset of ISO 15118-2). */
export type SeccEvsePort = iso2.SeccEvse &
  din.SeccEvse & {
    /** the backend refused the session's authorisation: AuthorizationRes / ContractAuthenticationRes FAILED, and the SECC closes */
    readonly authorizationRejected?: boolean;
  };

/** One request the SECC handled, with the session it belongs to (what the OCPP station learns from the EV). */
export interface SeccRequestEvent {
  protocol: 'iso15118-2' | 'din70121' | 'iso15118-20';
  /** the session's SessionID after the request (SessionSetupReq: the new one) */
  sessionId: string;
  /** the request's name, e.g. SessionSetupReq */
  name: string;
  /** the decoded message */
  body: unknown;
}

/** What the server needs of a protocol session (ISO 15118-2 and DIN 70121 cores alike). */
interface ProtocolSession {
  readonly ctx: { sessionId: string; stopped?: 'Terminate' | 'Pause' | 'Error' };
  handle(doc: never): { request: string | undefined; response: { V2G_Message: { Body: object } }; close: boolean };
  undecodable(): { request: string | undefined; response: { V2G_Message: { Body: object } }; close: boolean };
}

export interface SeccServerOptions {
  /** the EVSE behind the SECC */
  evse: SeccEvsePort;
  /** the EVSE behind an ISO 15118-20 session; without it the SECC does not choose -20 */
  evse20?: iso20.SeccEvse20;
  /** protocols the SECC supports (the EV's priorities decide among them) */
  protocols: readonly AppProtocolId[];
  host?: string;
  port?: number;
  /** TLS 1.2 (ISO 15118-2, DIN 70121): server authentication */
  tls?: SeccTlsOptions;
  /**
   * TLS 1.3 (ISO 15118-20): mutual authentication, the EV's OEM provisioning chain verified
   * against the OEM root in the handshake. With `tls` too, the EV's ClientHello picks the profile.
   */
  tls13?: SeccTlsOptions;
  tracer: Tracer;
  /** Plug & Charge: the MO roots trusted for contract certificates (offer 'Contract' in the EVSE's payment options) */
  pnc?: iso2.SeccPnc;
  /** ISO 15118-20 Plug & Charge (offer PnC in AuthorizationSetup) */
  pnc20?: iso20.Secc20Pnc;
  /** V2G_SECC_Sequence_Timeout override (ms), for tests */
  sequenceTimeoutMs?: number;
  /** every request handled, decoded (after the core answered it) */
  onRequest?: (e: SeccRequestEvent) => void;
}

export interface SeccSessionEnd {
  protocol?: AppProtocolInfo;
  sessionId?: string;
  reason: 'stopped' | 'paused' | 'failed' | 'sequence-timeout' | 'peer-closed' | 'undecodable';
  detail?: string;
  /** ISO 15118-20: each schedule renegotiation, from its start to the EV's PowerDelivery(Start) (SCALE D2.3 §11.2) */
  renegotiations?: TraceTiming[];
}

const PROTOCOL_NAME: Record<string, string> = { din: 'din70121', iso2: 'iso15118-2', 'iso2-scale': 'iso15118-2' };
const isIso20 = (id: AppProtocolId): boolean => id.startsWith('iso20');
const closedWith = (stopped: 'Terminate' | 'Pause' | 'Error' | undefined): SeccSessionEnd['reason'] => (stopped === 'Pause' ? 'paused' : stopped === 'Terminate' ? 'stopped' : 'failed');

export class SeccServer {
  private listener: SeccListener | undefined;
  private readonly paused: iso2.PausedSessions = new Map();
  private readonly paused20: iso20.Paused20Sessions = new Map();
  /** called when a connection's session ends */
  onSessionEnd: (end: SeccSessionEnd) => void = () => {};

  constructor(private readonly opts: SeccServerOptions) {}

  get port(): number {
    if (!this.listener) throw new Error('SECC not started');
    return this.listener.port;
  }

  get address(): string {
    if (!this.listener) throw new Error('SECC not started');
    return this.listener.address;
  }

  async start(): Promise<void> {
    this.listener = await createSeccListener({
      host: this.opts.host ?? '::1',
      port: this.opts.port ?? 0,
      ...(this.opts.tls ? { tls: this.opts.tls } : {}),
      ...(this.opts.tls13 ? { tls13: this.opts.tls13 } : {}),
      onConnection: (conn) => {
        void this.serve(conn).then((end) => this.onSessionEnd(end));
      },
    });
  }

  async stop(): Promise<void> {
    await this.listener?.close();
  }

  /** Closes every open V2G connection (the cable was unplugged); the listener keeps accepting. */
  closeConnections(): void {
    for (const conn of this.listener?.connections ?? []) void conn.close().catch(() => undefined);
  }

  /** the peer of a connection, as traced: computed once per connection */
  private readonly peers = new WeakMap<V2gConnection, string>();

  private trace(conn: V2gConnection, direction: 'tx' | 'rx', protocol: string, message: string, extra: Partial<Parameters<Tracer['message']>[0]>): void {
    let peer = this.peers.get(conn);
    if (peer === undefined) this.peers.set(conn, (peer = `[${conn.remote.address}]:${conn.remote.port}`));
    this.opts.tracer.message({ protocol, direction, message, peer, ...extra });
  }

  /** One connection: handshake, then the session until it ends. */
  private async serve(conn: V2gConnection): Promise<SeccSessionEnd> {
    const sequenceTimeout = this.opts.sequenceTimeoutMs ?? v2gTimer('iso2', 'V2G_SECC_Sequence_Timeout').value;
    const receive = async () => conn.receive({ timeoutMs: sequenceTimeout });
    try {
      // SupportedAppProtocol
      const first = await receive();
      const t0 = performance.now();
      const apphand = getCodec('apphand');
      let sap;
      try {
        sap = apphand.decode(first.payload) as { supportedAppProtocolReq?: Parameters<typeof chooseAppProtocol>[0] };
      } catch (e) {
        this.trace(conn, 'rx', 'apphand', 'supportedAppProtocolReq', { size: first.payload.length, error: String(e) });
        await conn.close();
        return { reason: 'undecodable', detail: String(e) };
      }
      this.trace(conn, 'rx', 'apphand', 'supportedAppProtocolReq', { size: first.payload.length, body: sap });
      if (!sap.supportedAppProtocolReq) {
        await conn.close();
        return { reason: 'failed', detail: 'the first message is not a supportedAppProtocolReq' };
      }
      const protocols = this.protocolsFor(conn);
      const choice = chooseAppProtocol(sap.supportedAppProtocolReq, protocols);
      const sapRes = apphand.encode(choice.response);
      await conn.send(V2gtpPayloadType.Exi, sapRes);
      this.trace(conn, 'tx', 'apphand', 'supportedAppProtocolRes', { size: sapRes.length, body: choice.response, timing: this.timing('iso2', 'SupportedAppProtocol', t0) });
      if (!choice.protocol) {
        await conn.close();
        const withheld = this.opts.protocols.length > protocols.length ? ' (ISO 15118-20 needs TLS 1.3 with the EV certificate, or TCP)' : '';
        return { reason: 'failed', detail: `no common protocol${withheld}` };
      }
      if (isIso20(choice.protocol.id)) return await this.serve20(conn, choice.protocol, this.opts.evse20!);
      if (choice.protocol.id === 'iso2' || choice.protocol.id === 'iso2-scale')
        return await this.serveSession(conn, choice.protocol, 'iso2', new iso2.SeccSession(this.opts.evse, this.paused, { codec: choice.protocol.codec, ...(this.opts.pnc ? { pnc: this.opts.pnc } : {}) }), receive);
      if (choice.protocol.id === 'din') return await this.serveSession(conn, choice.protocol, 'din', new din.SeccSession(this.opts.evse), receive);
      await conn.close();
      return { protocol: choice.protocol, reason: 'failed', detail: `${choice.protocol.id} sessions are not served by this SECC yet` };
    } catch (e) {
      await conn.close();
      if (isV2gTransportError(e) && e.code === 'RECEIVE_TIMEOUT') return { reason: 'sequence-timeout' };
      if (isV2gTransportError(e) && e.code === 'CLOSED') return { reason: 'peer-closed' };
      return { reason: 'failed', detail: String(e) };
    }
  }

  /** V2G_SECC_Msg_Performance_Time of a response (undefined for a message the table does not list) */
  private timing(protocol: 'iso2' | 'din' | 'iso20', message: string, t0: number): TraceTiming | undefined {
    const elapsedMs = performance.now() - t0;
    const budgetMs = findMessageTiming(protocol, message)?.seccPerformanceMs;
    return budgetMs === undefined ? undefined : { kind: 'secc-performance', elapsedMs, budgetMs, breach: elapsedMs > budgetMs };
  }

  /**
   * The protocols this connection may choose. ISO 15118-20 needs TLS 1.3, which the listener only
   * completes with a verified EV certificate, or plain TCP (which the simulator allows for tests):
   * over TLS 1.2 only -2 and DIN are chosen.
   */
  private protocolsFor(conn: V2gConnection): AppProtocolId[] {
    const tls = conn.tls;
    const iso20Allowed = this.opts.evse20 !== undefined && (tls === undefined || (tls.protocol === 'TLSv1.3' && tls.authorized));
    return this.opts.protocols.filter((p) => !isIso20(p) || iso20Allowed);
  }

  /**
   * One ISO 15118-20 session. Each request is decoded with the codec of its V2GTP payload type
   * and each response sent in the payload type of its namespace. The sequence timeout is
   * V2G_SECC_Sequence_Timeout (60 s), 0.5 s inside the charge loop (Tables 216-218).
   */
  private async serve20(conn: V2gConnection, protocol: AppProtocolInfo, evse: iso20.SeccEvse20): Promise<SeccSessionEnd> {
    const session = new iso20.Secc20Session(evse, { protocol, paused: this.paused20, ...(this.opts.pnc20 ? { pnc: this.opts.pnc20 } : {}) });
    const name = 'iso15118-20';
    const version = protocol.id.endsWith('-scale') ? protocol.namespace : undefined;
    const sequenceTimeout = this.opts.sequenceTimeoutMs ?? v2gTimer('iso20', 'V2G_SECC_Sequence_Timeout').value;
    const loopTimeout = v2gTimer('iso20', 'V2G_SECC_Sequence_Timeout_ChargeLoop').value;
    const renegotiations: TraceTiming[] = [];
    let renegotiationStart: number | undefined;
    const end = (reason: SeccSessionEnd['reason'], detail?: string): SeccSessionEnd => ({
      protocol,
      sessionId: session.ctx.sessionId,
      reason,
      ...(detail ? { detail } : {}),
      ...(renegotiations.length > 0 ? { renegotiations } : {}),
    });
    for (;;) {
      let msg;
      try {
        msg = await conn.receive({ timeoutMs: session.inChargeLoop ? Math.min(loopTimeout, sequenceTimeout) : sequenceTimeout });
      } catch (e) {
        await conn.close();
        const timeout = isV2gTransportError(e) && e.code === 'RECEIVE_TIMEOUT';
        // the SECC stops the session on its sequence timeout and closes the connection
        if (!session.ctx.stopped) {
          session.ctx.stopped = 'Error';
          evse.sessionStopped('Error');
        }
        return end(timeout ? 'sequence-timeout' : 'peer-closed', timeout && session.inChargeLoop ? 'V2G_SECC_Sequence_Timeout in the charge loop' : undefined);
      }
      const t0 = performance.now();
      let reply: iso20.Secc20Reply;
      let undecodable: string | undefined;
      const codecId = iso20.codecForPayloadType(protocol, msg.payloadType);
      const rx = { size: msg.payload.length, correlationId: session.ctx.sessionId, ...(version ? { version } : {}) };
      try {
        // a payload type this session has no codec for (SAP's 0x8001, ACDP, WPT, …) cannot carry a request of it
        if (codecId === undefined) throw new ExiError('UNKNOWN_ELEMENT', `unexpected V2GTP payload type ${v2gtpPayloadTypeName(msg.payloadType)} in an ${protocol.id} session`);
        const doc = getCodec(codecId).decode(msg.payload) as unknown as iso20.Iso20Message;
        reply = session.handle(doc);
        const requestName = reply.request ?? iso20.messageName(doc);
        if (requestName) this.opts.onRequest?.({ protocol: 'iso15118-20', sessionId: session.ctx.sessionId, name: requestName, body: doc });
        let timing: TraceTiming | undefined;
        if (reply.renegotiation === 'started') renegotiationStart ??= t0;
        else if (reply.renegotiation === 'finished' && renegotiationStart !== undefined) {
          // SCALE D2.3 §11.2: the EVSE has the new data once the EV's PowerDelivery(Start) is in
          timing = renegotiationTiming(t0 - renegotiationStart, v2gTimer('iso20', 'SCALE_Renegotiation_Performance_Time').value);
          renegotiations.push(timing);
          renegotiationStart = undefined;
        }
        this.trace(conn, 'rx', name, reply.request ?? iso20.messageName(doc) ?? 'V2G_Message', { ...rx, body: doc, ...(timing ? { timing } : {}) });
      } catch (e) {
        undecodable = e instanceof ExiError ? e.message : String(e);
        this.trace(conn, 'rx', name, 'V2G_Message', { ...rx, error: undecodable });
        reply = session.undecodable();
      }
      const bytes = getCodec(reply.codec).encode(reply.response as unknown as ExiObject);
      if (conn.isClosing) return end('peer-closed');
      const sent = conn.send(reply.payloadType as V2gtpPayloadType, bytes).catch(() => undefined);
      const timing = this.timing('iso20', reply.responseName, t0);
      this.trace(conn, 'tx', name, reply.responseName, { size: bytes.length, body: reply.response, correlationId: session.ctx.sessionId, ...(version ? { version } : {}), ...(timing ? { timing } : {}) });
      if (reply.close) {
        await sent;
        await conn.close();
        if (undecodable) return end('undecodable', undecodable);
        const reason = closedWith(session.ctx.stopped);
        return end(reason, reason === 'failed' ? reply.responseName : undefined);
      }
    }
  }

  private async serveSession(
    conn: V2gConnection,
    protocol: AppProtocolInfo,
    timingProtocol: 'iso2' | 'din',
    session: ProtocolSession,
    receive: () => ReturnType<V2gConnection['receive']>,
  ): Promise<SeccSessionEnd> {
    const codec = getCodec(protocol.codec);
    const name = PROTOCOL_NAME[protocol.id]!;
    const version = protocol.id === 'iso2-scale' ? protocol.namespace : undefined;
    for (;;) {
      let msg;
      try {
        msg = await receive();
      } catch (e) {
        await conn.close();
        const timeout = isV2gTransportError(e) && e.code === 'RECEIVE_TIMEOUT';
        // [V2G2-443]: on V2G_SECC_Sequence_Timeout the SECC stops the session and closes
        if (timeout && !session.ctx.stopped) this.opts.evse.sessionStopped('Error');
        return { protocol, sessionId: session.ctx.sessionId, reason: timeout ? 'sequence-timeout' : 'peer-closed' };
      }
      const t0 = performance.now();
      let reply: ReturnType<ProtocolSession['handle']>;
      let undecodable: string | undefined;
      try {
        const doc = codec.decode(msg.payload) as { V2G_Message?: never };
        if (!doc.V2G_Message) throw new ExiError('UNKNOWN_ELEMENT', 'not a V2G_Message');
        reply = session.handle(doc as never);
        if (reply.request) {
          this.opts.onRequest?.({ protocol: name as SeccRequestEvent['protocol'], sessionId: session.ctx.sessionId, name: reply.request, body: doc });
          if ((reply.request === 'AuthorizationReq' || reply.request === 'ContractAuthenticationReq') && this.opts.evse.authorizationRejected) reply = refuse(reply, session);
        }
        this.trace(conn, 'rx', name, reply.request ?? 'V2G_Message', { size: msg.payload.length, body: doc, correlationId: session.ctx.sessionId, ...(version ? { version } : {}) });
      } catch (e) {
        undecodable = e instanceof ExiError ? e.message : String(e);
        this.trace(conn, 'rx', name, 'V2G_Message', { size: msg.payload.length, error: undecodable, correlationId: session.ctx.sessionId });
        reply = session.undecodable();
      }
      const bytes = codec.encode(reply.response as unknown as ExiObject);
      if (conn.isClosing) return { protocol, sessionId: session.ctx.sessionId, reason: 'peer-closed' };
      // not awaited: the next request is read while the response is flushed (a failed write shows
      // up as a closed connection on the next receive)
      const sent = conn.send(V2gtpPayloadType.Exi, bytes).catch(() => undefined);
      const resName = Object.keys(reply.response.V2G_Message.Body)[0] ?? 'V2G_Message';
      const timing = this.timing(timingProtocol, resName, t0);
      this.trace(conn, 'tx', name, resName, {
        size: bytes.length,
        body: reply.response,
        correlationId: session.ctx.sessionId,
        ...(version ? { version } : {}),
        ...(timing ? { timing } : {}),
      });
      if (reply.close) {
        await sent;
        await conn.close();
        if (undecodable) return { protocol, sessionId: session.ctx.sessionId, reason: 'undecodable', detail: undecodable };
        const reason = closedWith(session.ctx.stopped);
        return { protocol, sessionId: session.ctx.sessionId, reason, ...(reason === 'failed' ? { detail: resName } : {}) };
      }
    }
  }
}

/**
 * The backend refused the authorisation: ResponseCode FAILED (ISO 15118-2 [V2G2-539]: the SECC
 * answers FAILED when it cannot authorise; DIN likewise), the session stops and the SECC closes.
 */
function refuse(reply: ReturnType<ProtocolSession['handle']>, session: ProtocolSession): ReturnType<ProtocolSession['handle']> {
  const body = reply.response.V2G_Message.Body as Record<string, Record<string, unknown>>;
  const key = Object.keys(body)[0]!;
  session.ctx.stopped = 'Error';
  return { ...reply, response: { V2G_Message: { ...reply.response.V2G_Message, Body: { [key]: { ...body[key], ResponseCode: 'FAILED', EVSEProcessing: 'Finished' } } } }, close: true };
}

function renegotiationTiming(elapsedMs: number, budgetMs: number): TraceTiming {
  return { kind: 'scale-renegotiation', elapsedMs, budgetMs, breach: elapsedMs > budgetMs };
}
