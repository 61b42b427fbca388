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
  /** on a restart: the ports of the previous banner, so clients find it again */
  previous?: Banner;
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
  /** problems of that configuration, checked before anything starts (paths relative to it) */
  check?(config: Record<string, unknown>): ConfigProblem[];
  /** the banner, if this line is it */
  banner(line: string): Banner | undefined;
  readonly serves: readonly ServedLink[];
  /** the process ends by itself when its work is done (an EV after its session) */
  readonly finishes: boolean;
  /** the control call for a step this process carries out, undefined when it does not */
  call(step: Step, scenario: Scenario): ControlCall | undefined;
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
