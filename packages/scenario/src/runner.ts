// `v2xsim run`: one scenario from start to verdict. Starts (or attaches to) the processes in
// order — CSMS, SCSP, EVSE, EV — each as a separate OS process on free ports on one sim time line
// (the run's start is every process's sim epoch, with the same speed), places a fault proxy on
// links that have faults, wires them (the station to the CSMS, the SCSP's OCPI registration with
// the CPO, the EV to the SECC), follows every process's trace stream into one NDJSON file, drives
// the steps at their sim times on the runner's own sim clock, samples /health for the plots, and
// at the end computes journeys and timing with @v2xsim/trace and checks the expectations.
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { initPki, V2G_TIMING } from '@v2xsim/iso15118';
import { SimClock } from '@v2xsim/process';
import { analysis, type TraceEvent } from '@v2xsim/trace';
import { ADAPTERS, GENERATED_PKI, pkiDir, START_STAGES, type Banner, type ProcessAdapter, type ProcessControl, type StartContext } from './adapters/index.js';
import { ControlCallError, followTrace, getHealth, postAction, type TraceStream } from './control-client.js';
import { evaluateExpectations } from './expectations.js';
import { FaultProxy } from './fault-proxy.js';
import type { LoadedScenario } from './load.js';
import { ProcessHandle, type V2xsimCommand } from './process-handle.js';
import type { FaultRecord, HealthSample, ProcessRecord, RunResult, StepRecord } from './run-types.js';
import { STEP_ACTIONS } from './schema.js';
import { eventMatch } from './event-match.js';
import type { FaultLink, LatencySpec, ProcessKind, Scenario, Step } from './types.js';

export interface RunOptions {
  /** how to run `v2xsim` (the CLI passes its own executable and script) */
  v2xsim: V2xsimCommand;
  /** outputs go to `<outDir>/<scenario name>/` (default ./v2xsim-out) */
  outDir?: string;
  /** overrides the scenario's clock.speed */
  speed?: number;
  /** control API URLs of running processes, over the scenario's `attach` */
  attach?: Partial<Record<ProcessKind, string>>;
  /** progress lines (default: none) */
  log?: (line: string) => void;
  /** also show every line the processes print */
  verbose?: boolean;
  /** /health sampling period, wall ms (default 200) */
  healthEveryMs?: number;
  /** a process's banner must appear within this (default 20 s) */
  startTimeoutMs?: number;
  /** called when a process is up (started: after its banner, each start; attached: after its /health), with its control API (the dashboard follows it) */
  onProcess?: (process: Readonly<ProcessRecord>) => void;
  /** past events replayed from an attached process's /trace (default 10 000); 0 for a process that outlives runs (the demo's loop) */
  attachHistory?: number;
}

const DEFAULT_SPEED = 60;
const DEFAULT_TIMEOUT_S = 60;
/** after the last EV finishes, events still in flight (the EVSE's last responses) get this long */
const SETTLE_MS = 300;

const stepAction = (step: Step): string => Object.keys(STEP_ACTIONS).find((k) => k in step)!;
const ndjsonLine = (e: TraceEvent): string => `${JSON.stringify(e)}\n`;
const round = (x: number, d = 1): number => Math.round(x * 10 ** d) / 10 ** d;

interface Live {
  adapter: ProcessAdapter;
  record: ProcessRecord;
  handle?: ProcessHandle;
  trace?: TraceStream;
  /** the EV has not been plugged in yet */
  pending?: boolean;
  /** spawned with these args (a restart reuses them with the previous ports) */
  context?: StartContext;
}

export class ScenarioRun {
  private readonly scenario: Scenario;
  private readonly speed: number;
  private readonly log: (line: string) => void;
  private readonly lives = new Map<ProcessKind, Live>();
  private readonly proxies = new Map<FaultLink, { proxy: FaultProxy; record: FaultRecord }>();
  private readonly upstream: Record<string, string> = {};
  private readonly events: TraceEvent[] = [];
  private readonly samples: HealthSample[] = [];
  private readonly steps: StepRecord[] = [];
  private readonly anchors: { match: NonNullable<Step['after']>; fire: () => void }[] = [];
  private clock: SimClock | undefined;
  /** the run's sim epoch (wall ms since 1970) and the sim time then: every process's clock is on this line */
  private epochMs = 0;
  private simStartMs = 0;
  /** fault proxies started before their process (links whose server must know its proxy) */
  private readonly earlyProxies: Partial<Record<FaultLink, { host: string; port: number; targetPort: number }>> = {};
  private t0 = 0;
  private traceFile: WriteStream | undefined;
  private runDir = '';
  private tracePath = '';
  private stopping = false;
  private healthTimer: ReturnType<typeof setInterval> | undefined;
  private endRequested = false;
  private wake: () => void = () => {};
  private stepChain: Promise<void> = Promise.resolve();

  constructor(
    private readonly loaded: LoadedScenario,
    private readonly opts: RunOptions,
  ) {
    this.scenario = loaded.scenario;
    this.speed = opts.speed ?? loaded.scenario.clock?.speed ?? DEFAULT_SPEED;
    this.log = opts.log ?? (() => {});
  }

  private get simS(): number {
    return this.clock ? this.clock.now() / 1000 : 0;
  }

  private stamp(): string {
    return `[${this.simS.toFixed(1).padStart(7)} s sim | ${((performance.now() - this.t0) / 1000).toFixed(2).padStart(6)} s]`;
  }

  async run(): Promise<RunResult> {
    const s = this.scenario;
    const startedAt = new Date().toISOString();
    this.t0 = performance.now();
    const wall0 = Date.now();
    this.runDir = join(this.opts.outDir ?? 'v2xsim-out', s.name);
    await rm(this.runDir, { recursive: true, force: true });
    await mkdir(this.runDir, { recursive: true });
    this.tracePath = join(this.runDir, 'trace.ndjson');
    this.traceFile = createWriteStream(this.tracePath);
    this.log(`▶ ${s.name} (${this.loaded.file}): speed ${this.speed}×, outputs in ${this.runDir}`);

    let error: string | undefined;
    const attach = { ...s.attach, ...this.opts.attach };
    const plugInLater = (s.steps ?? []).some((st) => 'plug-in' in st);
    try {
      await this.prepare();
      // the sim epoch: sim time 0 of the run, and of every process's sim clock (they count from it)
      this.epochMs = Date.now();
      this.simStartMs = s.clock?.start ? Date.parse(s.clock.start) : this.epochMs;
      this.clock = new SimClock({ speed: this.speed, start: 0, unref: true });
      await this.startEarlyProxies();
      for (const adapter of ADAPTERS) {
        if (!adapter.present(s)) continue;
        const record: ProcessRecord = { kind: adapter.kind, actor: adapter.actorId(s), attached: attach[adapter.kind] !== undefined, addresses: {}, starts: 0, summaries: [] };
        this.lives.set(adapter.kind, { adapter, record });
      }
      // stage by stage: the processes of one stage need only the earlier stages' addresses
      for (const stage of START_STAGES) {
        await Promise.all(
          stage.map(async (kind) => {
            const live = this.lives.get(kind);
            if (!live) return;
            if (attach[kind]) await this.attach(live, attach[kind]!);
            else if (live.adapter.finishes && plugInLater) live.pending = true;
            else await this.spawn(live);
          }),
        );
      }
      this.log(`  all up after ${round(this.simS)} s sim (${Math.round(performance.now() - this.t0)} ms); sim epoch ${new Date(this.epochMs).toISOString()} = ${new Date(this.simStartMs).toISOString()} sim`);
      this.scheduleSteps();
      this.healthTimer = setInterval(() => void this.sampleHealth(), this.opts.healthEveryMs ?? 200);
      void this.sampleHealth();
      await this.waitForEnd((s.timeoutS ?? DEFAULT_TIMEOUT_S) * 1000);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      this.log(`✗ ${error}`);
    }
    const simS = this.simS;
    await this.collectFinalStates();
    await this.shutdown();

    const events = analysis.timeOrder(this.events).map((i) => this.events[i]);
    const capacityWh = this.evCapacityWh();
    const journeys = analysis.journeys(events, { ...(capacityWh ? { context: { batteryCapacityWh: capacityWh } } : {}) });
    const timing = analysis.timingReport(events, V2G_TIMING, { latencies: [...analysis.D23_LATENCIES, ...(s.latencies ?? []).map(latencyDefinition)] });
    const processes = [...this.lives.values()].map((l) => l.record);
    const faults = [...this.proxies.values()].map(({ proxy, record }) => ({ ...record, stats: { ...proxy.stats } }));
    const base = { loaded: this.loaded, startedAt, wallMs: performance.now() - this.t0, simS, speed: this.speed, tracePath: this.tracePath, runDir: this.runDir, events, processes, steps: this.steps, faults, samples: this.samples, journeys, timing, t0: wall0, simEpoch: { wallMs: this.epochMs, simMs: this.simStartMs } };
    const expectations = evaluateExpectations(s, { ...base, expectations: [], ok: false });
    const ok = error === undefined && expectations.every((x) => x.ok);
    return { ...base, expectations, ok, ...(error !== undefined ? { error } : {}) };
  }

  // --- processes -------------------------------------------------------------------------

  private context(previous?: Banner): StartContext {
    const proxies = Object.fromEntries(Object.entries(this.earlyProxies).map(([link, p]) => [link, { host: p.host, port: p.port, targetPort: p.targetPort }]));
    return {
      scenario: this.scenario,
      baseDir: this.loaded.baseDir,
      runDir: this.runDir,
      upstream: { ...this.upstream },
      speed: this.speed,
      epochMs: this.epochMs,
      simStartMs: this.simStartMs,
      ...(Object.keys(proxies).length ? { proxies } : {}),
      ...(previous ? { previous } : {}),
    };
  }

  /** What the run needs before its epoch: a generated PKI (pki: generate). */
  private async prepare(): Promise<void> {
    const iso = this.scenario.stack.iso15118;
    if (iso.pki === GENERATED_PKI) {
      const t = performance.now();
      const dir = pkiDir(iso, { baseDir: this.loaded.baseDir, runDir: this.runDir })!;
      await initPki({ out: dir, ...(iso.version === 'iso15118-20' ? { curve: 'P-521' } : {}), ...(this.scenario.evse?.evseId ? { evseId: this.scenario.evse.evseId } : {}) });
      this.log(`  PKI generated in ${dir} (${Math.round(performance.now() - t)} ms)`);
    }
  }

  /** Links whose server tells its peers a public URL get their proxy before the server starts, on a port chosen now. */
  private async startEarlyProxies(): Promise<void> {
    for (const adapter of ADAPTERS) {
      if (!adapter.present(this.scenario) || this.scenario.attach?.[adapter.kind]) continue;
      for (const served of adapter.serves) {
        if (!served.proxyFirst || !this.faultWanted(served.link)) continue;
        const host = served.proxyFirst.host;
        const targetPort = await freePort(host);
        const initial = this.scenario.faults?.[served.link];
        const proxy = await new FaultProxy({ target: { host, port: targetPort }, latencyMs: initial?.latencyMs ?? 0, jitterMs: initial?.jitterMs ?? 0 }).start();
        this.earlyProxies[served.link] = { host, port: proxy.port, targetPort };
        const record: FaultRecord = { link: served.link, proxy: `${host}:${proxy.port}`, target: `${host}:${targetPort}`, changes: [], stats: proxy.stats };
        if (initial) record.changes.push({ simS: 0, wallMs: 0, what: describeFault(initial) });
        this.proxies.set(served.link, { proxy, record });
        this.log(`  fault proxy on ${served.link}: ${record.proxy} → ${record.target}${initial ? ` (${describeFault(initial)})` : ''}`);
      }
    }
  }

  private faultWanted(link: FaultLink): boolean {
    return this.scenario.faults?.[link] !== undefined || (this.scenario.steps ?? []).some((st) => 'fault' in st && st.fault.link === link);
  }

  /** The adapter's view of a running process's control API. */
  private processControl(banner: Banner): ProcessControl {
    const control = banner.control;
    return {
      control,
      banner,
      scenario: this.scenario,
      post: (action, body) => postAction(control, action, body),
      health: () => getHealth(control),
      timeoutMs: this.opts.startTimeoutMs ?? 20_000,
    };
  }

  /** Before the processes stop: what they hold (the CSMS's transactions), for the expectations. */
  private async collectFinalStates(): Promise<void> {
    for (const live of this.lives.values()) {
      const { adapter, record } = live;
      if (!adapter.finalState || !record.control || (live.handle && !live.handle.running)) continue;
      try {
        record.finalState = await adapter.finalState(this.processControl({ control: record.control, addresses: record.addresses }));
      } catch (e) {
        this.log(`  ${record.actor}: its final state could not be read: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  private async spawn(live: Live, previous?: Banner): Promise<void> {
    const { adapter, record } = live;
    const ctx = this.context(previous);
    live.context = ctx;
    const configFile = join(this.runDir, `${adapter.kind}.yaml`);
    // JSON is YAML: the process reads it with its own checks
    await writeFile(configFile, `${JSON.stringify(adapter.config(ctx), null, 2)}\n`);
    for (const [name, text] of Object.entries(adapter.files?.(ctx) ?? {})) await writeFile(join(this.runDir, name), text);
    const args = ['--config', configFile, ...(this.scenario.processes?.[adapter.kind]?.args ?? [])];
    const handle = new ProcessHandle(adapter, record.actor, this.opts.v2xsim, args, (stream, line) => this.onProcessLine(live, stream, line));
    live.handle = handle;
    record.starts++;
    const banner = await handle.whenReady(this.opts.startTimeoutMs ?? 20_000);
    record.control = banner.control;
    record.addresses = banner.addresses;
    this.log(`${this.stamp()} ${record.actor} ${record.starts > 1 ? 'restarted' : 'ready'}: control ${banner.control}${Object.entries(banner.addresses).map(([k, v]) => `, ${k} ${v}`).join('')}`);
    live.trace = followTrace(banner.control, (e) => this.onEvent(e), { onProblem: (m) => this.log(`  ${record.actor}: ${m}`) });
    this.opts.onProcess?.(record);
    await this.serveLinks(live, banner);
    void handle.exited.then((code) => {
      record.exitCode = code;
      if (!this.stopping) this.log(`${this.stamp()} ${record.actor} exited (${code ?? handle.signal})`);
      this.wake();
    });
    // registered, connected: ready for the processes after it
    const more = await adapter.afterStart?.(this.processControl(banner));
    if (more) Object.assign(this.upstream, more);
  }

  private async attach(live: Live, control: string): Promise<void> {
    const { record } = live;
    const url = control.replace(/\/$/, '');
    let health: Record<string, unknown>;
    try {
      health = await getHealth(url);
    } catch (e) {
      throw new Error(`attach ${record.kind}: no control API at ${url}: ${e instanceof Error ? e.message : String(e)}`);
    }
    record.control = url;
    if (typeof health.actor === 'string') record.actor = health.actor;
    // an attached EVSE says where its SECC is
    if (typeof health.secc === 'string') record.addresses.secc = health.secc.replace(/^(tcp|tls):\/\//, '');
    this.log(`  ${record.actor} attached: control ${url}${Object.entries(record.addresses).map(([k, v]) => `, ${k} ${v}`).join('')}`);
    live.trace = followTrace(url, (e) => this.onEvent(e), { ...(this.opts.attachHistory !== undefined ? { history: this.opts.attachHistory } : {}), onProblem: (m) => this.log(`  ${record.actor}: ${m}`) });
    this.opts.onProcess?.(record);
    for (const [k, v] of Object.entries(record.addresses)) this.upstream[k] = v;
  }

  /** The addresses this process serves, as its clients should use them: through a fault proxy when the link has faults. */
  private async serveLinks(live: Live, banner: Banner): Promise<void> {
    for (const served of live.adapter.serves) {
      const address = banner.addresses[served.address];
      if (address === undefined) continue;
      const link = served.link;
      const existing = this.proxies.get(link);
      // a proxy started first forwards to the port chosen for the process, whatever its banner says (its public URL)
      if (served.proxyFirst && existing) continue;
      if (existing) {
        existing.proxy.retarget(served.endpoint(address));
        existing.record.target = address;
        continue;
      }
      const initial = this.scenario.faults?.[link];
      const wanted = initial !== undefined || (this.scenario.steps ?? []).some((st) => 'fault' in st && st.fault.link === link);
      if (!wanted) {
        this.upstream[served.address] = address;
        continue;
      }
      const proxy = await new FaultProxy({ target: served.endpoint(address), latencyMs: initial?.latencyMs ?? 0, jitterMs: initial?.jitterMs ?? 0 }).start();
      const through = served.through(address, proxy);
      this.upstream[served.address] = through;
      const record: FaultRecord = { link, proxy: through, target: address, changes: [], stats: proxy.stats };
      if (initial) record.changes.push({ simS: 0, wallMs: 0, what: describeFault(initial) });
      this.proxies.set(link, { proxy, record });
      this.log(`  fault proxy on ${link}: ${through} → ${address}${initial ? ` (${describeFault(initial)})` : ''}`);
    }
  }

  private onProcessLine(live: Live, stream: 'stdout' | 'stderr', line: string): void {
    if (stream === 'stdout' && live.adapter.kind === 'ev' && line.startsWith('{')) {
      try {
        live.record.summaries.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        /* not a summary line */
      }
      return;
    }
    if (line.includes(' ready: ')) return;
    // sessions starting and ending, errors: what the processes themselves say is worth saying
    if (this.opts.verbose || /session|error|fail|refused|exceeded|cannot/i.test(line)) this.log(`${this.stamp()} ${live.record.actor} │ ${line}`);
  }

  private onEvent(e: TraceEvent): void {
    this.events.push(e);
    this.traceFile?.write(ndjsonLine(e));
    for (let i = this.anchors.length - 1; i >= 0; i--) {
      const a = this.anchors[i];
      if (e.message === a.match.message && (a.match.actor === undefined || e.actor === a.match.actor) && (a.match.direction === undefined || e.direction === a.match.direction)) {
        this.anchors.splice(i, 1);
        a.fire();
      }
    }
  }

  private async sampleHealth(): Promise<void> {
    if (!this.clock || this.stopping) return;
    const wallMs = performance.now() - this.t0;
    const simS = this.simS;
    await Promise.all(
      [...this.lives.values()].map(async (l) => {
        if (!l.record.control || (l.handle && !l.handle.running)) return;
        try {
          const health = await getHealth(l.record.control);
          l.record.firstHealth ??= health;
          l.record.lastHealth = health;
          this.samples.push({ actor: l.record.actor, kind: l.adapter.kind, wallMs, simS, health });
        } catch {
          /* between a restart's kill and its banner, or the EV just exited */
        }
      }),
    );
    this.wake();
  }

  // --- steps -----------------------------------------------------------------------------

  private scheduleSteps(): void {
    (this.scenario.steps ?? []).forEach((step, index) => {
      const action = stepAction(step);
      const record: StepRecord = { index, name: step.name ?? `${action}${step.at !== undefined ? ` @${step.at}s` : ''}`, action, ok: false, detail: 'not run' };
      this.steps.push(record);
      const atMs = (step.at ?? 0) * 1000;
      const schedule = () => {
        record.dueSimS = round(this.simS + (step.after ? atMs / 1000 : 0), 3);
        const fire = () => void this.runStep(step, record);
        if (step.after) this.clock!.after(atMs, fire);
        else this.clock!.at(atMs, fire);
      };
      if (!step.after) {
        record.dueSimS = step.at ?? 0;
        this.clock!.at(atMs, () => void this.runStep(step, record));
      } else {
        // an event that already happened anchors at once
        const m = step.after;
        const seen = this.events.some((e) => e.message === m.message && (m.actor === undefined || e.actor === m.actor) && (m.direction === undefined || e.direction === m.direction));
        if (seen) schedule();
        else this.anchors.push({ match: m, fire: schedule });
      }
    });
  }

  /** Steps run one at a time, in the order they fall due: one due while another is still running (a restart) waits for it. */
  private runStep(step: Step, record: StepRecord): Promise<void> {
    this.stepChain = this.stepChain.then(() => this.runStepNow(step, record));
    return this.stepChain;
  }

  private async runStepNow(step: Step, record: StepRecord): Promise<void> {
    if (this.stopping) return;
    record.simS = round(this.simS, 3);
    record.wallMs = round(performance.now() - this.t0, 1);
    try {
      record.detail = await this.carryOut(step, record);
      record.ok = true;
      this.log(`${this.stamp()} step ${record.index + 1} ${record.name}: ${record.detail}`);
    } catch (e) {
      record.ok = false;
      record.detail = e instanceof ControlCallError ? `${record.target ?? ''} refused (${e.status}): ${e.message}` : e instanceof Error ? e.message : String(e);
      this.log(`${this.stamp()} step ${record.index + 1} ${record.name}: ✗ ${record.detail}`);
    }
    this.wake();
  }

  private async carryOut(step: Step, record: StepRecord): Promise<string> {
    const s = this.scenario;
    if ('plug-in' in step) {
      const live = this.lives.get('ev')!;
      record.target = live.record.actor;
      if (live.pending) {
        live.pending = false;
        await this.spawn(live);
        return `${live.record.actor} plugged in (started)`;
      }
      if (!live.record.control) throw new Error('the EV has no control API');
      await postAction(live.record.control, 'plug-in');
      return `${live.record.actor} plugged in`;
    }
    if ('fault' in step) {
      const f = step.fault;
      const p = this.proxies.get(f.link);
      record.target = f.link;
      if (!p) throw new Error(`no proxy on ${f.link} (the link is not in this run)`);
      const what: string[] = [];
      if (f.latencyMs !== undefined || f.jitterMs !== undefined) {
        p.proxy.set({ ...(f.latencyMs !== undefined ? { latencyMs: f.latencyMs } : {}), ...(f.jitterMs !== undefined ? { jitterMs: f.jitterMs } : {}) });
        what.push(describeFault(p.proxy.settings));
      }
      if (f.holdMs !== undefined) {
        p.proxy.hold(f.holdMs);
        what.push(`traffic held ${f.holdMs} ms`);
      }
      if (f.dropConnections) what.push(`${p.proxy.dropConnections()} connection(s) dropped`);
      p.record.changes.push({ simS: round(this.simS, 3), wallMs: round(performance.now() - this.t0, 1), what: what.join(', ') });
      return `${f.link}: ${what.join(', ')}`;
    }
    if ('kill' in step || 'restart' in step) {
      const kind = 'kill' in step ? step.kill.process : step.restart.process;
      const live = this.lives.get(kind);
      if (!live?.handle) throw new Error(`${kind} is not a process the runner started`);
      record.target = live.record.actor;
      const previous = live.handle.banner;
      live.handle.kill('SIGKILL');
      await live.handle.exited;
      live.trace?.close();
      if ('kill' in step) return `${live.record.actor} killed`;
      const t = performance.now();
      await this.spawn(live, previous);
      return `${live.record.actor} killed and restarted in ${Math.round(performance.now() - t)} ms`;
    }
    // a control action at the process(es) that carry it out
    const results: string[] = [];
    for (const adapter of ADAPTERS) {
      const live = this.lives.get(adapter.kind);
      if (!live || !adapter.call(step, s)) continue;
      record.target = live.record.actor;
      if (!live.record.control) throw new Error(`${live.record.actor} is not running`);
      // the call may need what the process knows now (the SCSP's session, its sim time)
      const health = await getHealth(live.record.control).catch(() => undefined);
      const call = adapter.call(step, s, { ...(health ? { health } : {}), simStartMs: this.simStartMs })!;
      const res = await postAction(live.record.control, call.action, call.body);
      const { ok: _ok, ...rest } = res;
      results.push(`${live.record.actor} ${call.action}${call.body ? ` ${JSON.stringify(call.body)}` : ''} → ${JSON.stringify(rest)}`);
    }
    if (results.length === 0) throw new Error('no process of this run carries this step out');
    return results.join('; ');
  }

  // --- the end ---------------------------------------------------------------------------

  /** Every EV plugged in has finished its sessions (or the end time came and they were unplugged). */
  private evsDone(): boolean {
    const ev = this.lives.get('ev');
    if (!ev || ev.pending) return false;
    if (ev.handle) return !ev.handle.running;
    const state = ev.record.lastHealth?.state;
    return state === 'finished';
  }

  private async waitForEnd(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    const endS = this.scenario.endS;
    while (!this.evsDone()) {
      if (endS !== undefined && this.simS >= endS && !this.endRequested) {
        this.endRequested = true;
        const ev = this.lives.get('ev');
        this.log(`${this.stamp()} end of the scenario (${endS} s): unplugging`);
        if (ev?.record.control && !ev.pending) await postAction(ev.record.control, 'unplug').catch(() => undefined);
        if (ev?.pending) ev.pending = false;
      }
      if (performance.now() > deadline) throw new Error(`the run did not end within ${timeoutMs / 1000} s (timeoutS)`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
    // a step under way (a restart) finishes; what the processes still hold (a station's offline journal) is delivered
    await this.stepChain;
    await this.waitUntilSettled(deadline);
    // the EVSE's last events (its session end) are still on their way
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    await this.sampleHealth();
  }

  /** Until every process that can say so has delivered what it holds (bounded by the run's deadline). */
  private async waitUntilSettled(deadline: number): Promise<void> {
    for (const live of this.lives.values()) {
      const { adapter, record } = live;
      if (!adapter.settled || !record.control || (live.handle && !live.handle.running)) continue;
      const p = this.processControl({ control: record.control, addresses: record.addresses });
      const t = performance.now();
      let logged = false;
      while (!(await adapter.settled(p).catch(() => false))) {
        if (performance.now() > deadline) throw new Error(`${record.actor} still holds undelivered messages at the end of the run (timeoutS)`);
        if (!logged && performance.now() - t > 1000) this.log(`${this.stamp()} waiting for ${record.actor} to deliver what it holds`);
        logged ||= performance.now() - t > 1000;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  private async shutdown(): Promise<void> {
    this.stopping = true;
    if (this.healthTimer) clearInterval(this.healthTimer);
    this.clock?.stop();
    // clients first, then servers (the reverse of the start order)
    for (const kind of ['ev', 'evse', 'scsp', 'csms'] as const) {
      const live = this.lives.get(kind);
      if (live?.handle) await live.handle.stop();
    }
    await new Promise((r) => setTimeout(r, 50));
    for (const l of this.lives.values()) l.trace?.close();
    for (const { proxy } of this.proxies.values()) await proxy.close();
    await new Promise<void>((resolve) => (this.traceFile ? this.traceFile.end(() => resolve()) : resolve()));
  }

  private evCapacityWh(): number | undefined {
    const fromConfig = this.scenario.ev?.capacityWh ?? (this.scenario.ev?.config?.battery as { capacityWh?: number } | undefined)?.capacityWh;
    return fromConfig ?? (this.lives.get('ev')?.record.attached ? undefined : 60_000);
  }
}

/** A free TCP port on `host` (for a process behind a proxy started first). */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const a = server.address();
      server.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** A scenario's own latency as @v2xsim/trace measures it. */
function latencyDefinition(l: LatencySpec): analysis.LatencyDefinition {
  return {
    id: l.id,
    label: l.label ?? l.id,
    from: eventMatch(l.from),
    to: eventMatch(l.to),
    ...(l.measureFrom ? { measureFrom: l.measureFrom } : {}),
    ...(l.withinMs !== undefined ? { withinMs: l.withinMs } : {}),
    ...(l.budgetMs !== undefined ? { budgetMs: l.budgetMs } : {}),
  };
}

function describeFault(f: { latencyMs?: number; jitterMs?: number }): string {
  return `latency ${f.latencyMs ?? 0} ms${f.jitterMs ? ` ± jitter ${f.jitterMs} ms` : ''}`;
}

/** Runs one loaded scenario. */
export function runScenario(loaded: LoadedScenario, opts: RunOptions): Promise<RunResult> {
  return new ScenarioRun(loaded, opts).run();
}
