// A process kind as the runner sees it: how to configure and start `v2xsim <kind>` from a
// scenario, how to read its readiness banner, which links it serves (where a fault proxy can sit
// in front of it), and which steps it carries out through its control API. The runner knows
// nothing else about a kind, so adding one is adding an adapter.
import type { ConfigProblem } from '@v2xsim/process';
import type { FaultLink, ProcessKind, Scenario, Step } from '../types.js';

/** The addresses a process prints in its banner, by name (`secc`, `ocpp`, `ocpi`, …), and its control API. */
export interface Banner {
  control: string;
  addresses: Record<string, string>;
}

export interface StartContext {
  scenario: Scenario;
  /** the scenario file's folder: relative paths (pki) resolve against it */
  baseDir: string;
  /** the run's output folder (databases, configs) */
  runDir: string;
  /** what the processes started before this one serve, as its clients should reach them (through a fault proxy when there is one): `secc`, `ocpp`, `ocpi` */
  upstream: Readonly<Record<string, string>>;
  speed: number;
  /** the run's sim epoch: the wall instant (ms since 1970) every process's sim clock counts from */
  epochMs: number;
  /** the sim time at the epoch (ms since 1970; the scenario's clock.start, else the epoch) */
  simStartMs: number;
  /** fault proxies started before this process (links whose server must know its proxy: OCPI's public URL) */
  proxies?: Partial<Record<FaultLink, { host: string; port: number; targetPort: number }>>;
  /** on a restart: the ports of the previous banner, so clients find it again */
  previous?: Banner;
}

/** Every process's `clock` configuration: the run's speed on the run's sim time line (@v2xsim/process sim-epoch.ts). */
export const clockConfig = (ctx: StartContext): { speed: number; epoch: string; start: string } => ({
  speed: ctx.speed,
  epoch: new Date(ctx.epochMs).toISOString(),
  start: new Date(ctx.simStartMs).toISOString(),
});

/** What a process's control API gives an adapter once the process is up. */
export interface ProcessControl {
  control: string;
  banner: Banner;
  scenario: Scenario;
  post(action: string, body?: Record<string, unknown>): Promise<Record<string, unknown>>;
  health(): Promise<Record<string, unknown>>;
  /** give up waiting (for a registration, a connection) after this, wall ms */
  timeoutMs: number;
}

/** What the runner knows when a step falls due. */
export interface StepContext {
  /** the process's /health just now */
  health?: Record<string, unknown>;
  /** the sim time at the run's start, ms since 1970 (price curves count from it) */
  simStartMs: number;
}

/** A link this process serves: the address name in its banner and how to rewrite it to a proxy. */
export interface ServedLink {
  link: FaultLink;
  /** the banner address name (`secc`) */
  address: string;
  /** host and port of the served address, to put a TCP proxy in front */
  endpoint(address: string): { host: string; port: number };
  /** the address with the proxy's port instead */
  through(address: string, proxy: { host: string; port: number }): string;
  /** the proxy starts before the process, on this host, because the process must know its address (it tells its peers a public URL) */
  proxyFirst?: { host: string };
}

/** A control API call. */
export interface ControlCall {
  action: string;
  body?: Record<string, unknown>;
}

export interface ProcessAdapter {
  readonly kind: ProcessKind;
  /** whether the scenario has this process at all */
  present(scenario: Scenario): boolean;
  /** its actor id */
  actorId(scenario: Scenario): string;
  /** the process's YAML configuration (passed with --config) */
  config(ctx: StartContext): Record<string, unknown>;
  /** more files the configuration names, written into the run's folder first (name → text) */
  files?(ctx: StartContext): Record<string, string>;
  /** once the banner is there: wait until the process is ready for the next one (registered, connected); returns addresses for the processes after it */
  afterStart?(p: ProcessControl): Promise<Record<string, string> | void>;
  /** after the last session: has it delivered everything it holds (a station's offline journal)? The run waits for it */
  settled?(p: ProcessControl): Promise<boolean>;
  /** at the end of the run, before it stops: what the process holds (the CSMS's transactions) */
  finalState?(p: ProcessControl): Promise<Record<string, unknown>>;
  /** problems of that configuration, checked before anything starts (paths relative to it) */
  check?(config: Record<string, unknown>): ConfigProblem[];
  /** the banner, if this line is it */
  banner(line: string): Banner | undefined;
  readonly serves: readonly ServedLink[];
  /** the process ends by itself when its work is done (an EV after its session) */
  readonly finishes: boolean;
  /**
   * The control call for a step this process carries out, undefined when it does not. Without
   * `live` (checking a file) it says only whether; with it, it may throw when the step cannot be
   * done now (no session at the SCSP yet).
   */
  call(step: Step, scenario: Scenario, live?: StepContext): ControlCall | undefined;
}

/** `key=value` pairs of a banner line after its `v2xsim <kind> ready:` prefix. */
export function bannerFields(line: string, kind: string): Record<string, string> | undefined {
  const prefix = `v2xsim ${kind} ready: `;
  const at = line.indexOf(prefix);
  if (at < 0) return undefined;
  const fields: Record<string, string> = {};
  for (const part of line.slice(at + prefix.length).trim().split(/\s+/)) {
    const eq = part.indexOf('=');
    if (eq > 0) fields[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return fields;
}

/** `[::1]:4000`, `127.0.0.1:4000` → host and port */
export function hostPort(address: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(address) ?? /^([^:/]+):(\d+)$/.exec(address);
  if (!m) throw new Error(`not a host:port address: ${address}`);
  return { host: m[1], port: Number(m[2]) };
}

export const bracket = (host: string): string => (host.includes(':') ? `[${host}]` : host);

/** A URL-shaped address (`ws://127.0.0.1:9000/ocpp`) as a served link endpoint. */
export const urlEndpoint = (address: string): { host: string; port: number } => {
  const u = new URL(address);
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port) };
};

export const urlThrough = (address: string, proxy: { host: string; port: number }): string => {
  const u = new URL(address);
  u.hostname = bracket(proxy.host);
  u.port = String(proxy.port);
  return u.toString().replace(/\/$/, address.endsWith('/') ? '/' : '');
};

/** Polls `get` every 50 ms until it returns a value; undefined after `timeoutMs`. */
export async function pollFor<T>(get: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const v = await get().catch(() => undefined);
    if (v !== undefined) return v;
    if (performance.now() > end) return undefined;
    await new Promise((r) => setTimeout(r, 50));
  }
}
