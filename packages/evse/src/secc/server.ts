// The SECC of the EVSE process: V2GTP over TCP/TLS, the SupportedAppProtocol handshake, then one
// protocol session per connection (ISO 15118-2 and its SCALE variant; DIN 70121). Sockets, timers
// and traces live here; the protocol itself is the pure SeccSession of @v2xsim/iso15118.
import { ExiError, getCodec, type ExiObject } from '@v2xsim/exi';
import {
  V2gtpPayloadType,
  chooseAppProtocol,
  createSeccListener,
  din,
  iso2,
  isV2gTransportError,
  seccPerformanceTime,
  v2gTimer,
  type AppProtocolId,
  type AppProtocolInfo,
  type SeccListener,
  type SeccTlsOptions,
  type V2gConnection,
} from '@v2xsim/iso15118';
import type { Tracer } from '@v2xsim/trace';

/** The EVSE as both protocol cores see it (DIN 70121 is a DC subset of ISO 15118-2). */
export type SeccEvsePort = iso2.SeccEvse & din.SeccEvse;

/** What the server needs of a protocol session (ISO 15118-2 and DIN 70121 cores alike). */
interface ProtocolSession {
  readonly ctx: { sessionId: string; stopped?: 'Terminate' | 'Pause' | 'Error' };
  handle(doc: never): { request: string | undefined; response: { V2G_Message: { Body: object } }; close: boolean };
  undecodable(): { request: string | undefined; response: { V2G_Message: { Body: object } }; close: boolean };
}

export interface SeccServerOptions {
  /** the EVSE behind the SECC */
  evse: SeccEvsePort;
  /** protocols the SECC supports (the EV's priorities decide among them) */
  protocols: readonly AppProtocolId[];
  host?: string;
  port?: number;
  tls?: SeccTlsOptions;
  tracer: Tracer;
  /** Plug & Charge: the MO roots trusted for contract certificates (offer 'Contract' in the EVSE's payment options) */
  pnc?: iso2.SeccPnc;
  /** V2G_SECC_Sequence_Timeout override (ms), for tests */
  sequenceTimeoutMs?: number;
}

export interface SeccSessionEnd {
  protocol?: AppProtocolInfo;
  sessionId?: string;
  reason: 'stopped' | 'paused' | 'failed' | 'sequence-timeout' | 'peer-closed' | 'undecodable';
  detail?: string;
}

const PROTOCOL_NAME: Record<string, string> = { din: 'din70121', iso2: 'iso15118-2', 'iso2-scale': 'iso15118-2' };

export class SeccServer {
  private listener: SeccListener | undefined;
  private readonly paused: iso2.PausedSessions = new Map();
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
      const choice = chooseAppProtocol(sap.supportedAppProtocolReq, this.opts.protocols);
      const sapRes = apphand.encode(choice.response);
      await conn.send(V2gtpPayloadType.Exi, sapRes);
      this.trace(conn, 'tx', 'apphand', 'supportedAppProtocolRes', { size: sapRes.length, body: choice.response, timing: this.timing('iso2', 'SupportedAppProtocol', t0) });
      if (!choice.protocol) {
        await conn.close();
        return { reason: 'failed', detail: 'no common protocol' };
      }
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

  private timing(protocol: 'iso2' | 'din', message: string, t0: number) {
    const elapsedMs = performance.now() - t0;
    const budgetMs = seccPerformanceTime(protocol, message);
    return { kind: 'secc-performance', elapsedMs, budgetMs, breach: elapsedMs > budgetMs };
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
      this.trace(conn, 'tx', name, resName, {
        size: bytes.length,
        body: reply.response,
        correlationId: session.ctx.sessionId,
        ...(version ? { version } : {}),
        timing: this.timing(timingProtocol, resName, t0),
      });
      if (reply.close) {
        await sent;
        await conn.close();
        if (undecodable) return { protocol, sessionId: session.ctx.sessionId, reason: 'undecodable', detail: undecodable };
        const stopped = session.ctx.stopped;
        const reason = stopped === 'Pause' ? 'paused' : stopped === 'Terminate' ? 'stopped' : 'failed';
        return { protocol, sessionId: session.ctx.sessionId, reason, ...(reason === 'failed' ? { detail: resName } : {}) };
      }
    }
  }
}
