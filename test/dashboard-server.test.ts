// The dashboard against real processes: an EVSE and an EV (`v2xsim evse`, `v2xsim ev`, separate OS
// processes, ISO 15118-2 DC). The dashboard follows their control APIs and pushes over SSE the
// processes, the trace events and the live session with its growing power curve; reading is open
// on loopback, a driver action needs the token (401 without), and the departure change reaches the
// EV, which renegotiates: the session shows a second schedule.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopback, startDashboard, type Dashboard, type SessionView } from '@v2xsim/dashboard';
import { children, until, v2xsim, type Spawned } from './support/processes.js';

type Json = Record<string, unknown>;

let dash: Dashboard;
let evse: Spawned;
let ev: Spawned;

/** An SSE client: every `event:`/`data:` pair as it comes. */
function sse(url: string): { messages: { type: string; data: unknown }[]; close(): void } {
  const messages: { type: string; data: unknown }[] = [];
  const abort = new AbortController();
  void (async () => {
    const res = await fetch(url, { signal: abort.signal });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += decoder.decode(value, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const type = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (type && data) messages.push({ type, data: JSON.parse(data) });
        }
      }
    } catch {
      /* closed */
    }
  })();
  return { messages, close: () => abort.abort() };
}

beforeAll(async () => {
  evse = v2xsim(['evse', '--no-sdp', '--port', '0', '--speed', '60', '--protocols', 'iso2', '--max-power', '22000']);
  const evseBanner = await until(() => /v2xsim evse ready: .*/.exec(evse.out.stderr)?.[0], 'EVSE banner', evse);
  const seccPort = /secc=tcp:\/\/\S+:(\d+)/.exec(evseBanner)![1];
  const evseControl = /control=(\S+)/.exec(evseBanner)![1];
  dash = await startDashboard({ sources: [{ control: evseControl, kind: 'evse' }], token: 'test-token-0123456789', healthEveryMs: 200, pushEveryMs: 100 });
  ev = v2xsim(['ev', '--secc', `[::1]:${seccPort}`, '--speed', '60', '--protocols', 'iso2', '--soc', '10', '--target-soc', '90', '--control-port', '0']);
  const evControl = await until(() => /control=(http\S+)/.exec(ev.out.stderr)?.[1], 'EV banner', ev);
  dash.add(evControl, 'ev');
});

afterAll(async () => {
  await dash?.close();
  for (const c of children) c.kill('SIGKILL');
});

const api = async (path: string, init?: RequestInit): Promise<{ status: number; json: Json }> => {
  const res = await fetch(new URL(path, dash.url), init);
  return { status: res.status, json: (await res.json()) as Json };
};
const post = (path: string, body: unknown, token?: string) =>
  api(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } });

describe('the dashboard follows real EV and EVSE processes', () => {
  it('serves the page and its module, self-contained', async () => {
    const html = await (await fetch(dash.url)).text();
    expect(html).toContain('<script type="module" src="/app.js">');
    expect(html).not.toMatch(/https?:\/\//);
    const js = await fetch(new URL('/app.js', dash.url));
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(await js.text()).toContain("new EventSource(");
  });

  it('pushes the processes, the messages and the live session with a growing power curve over SSE', async () => {
    const stream = sse(new URL('/api/stream', dash.url).toString());
    try {
      const processes = await until(() => {
        const m = [...stream.messages].reverse().find((x) => x.type === 'processes')?.data as { kind: string; online: boolean; actor: string }[] | undefined;
        return m && m.filter((p) => p.online).length === 2 ? m : undefined;
      }, 'both processes online');
      expect(processes.map((p) => p.kind).sort()).toEqual(['ev', 'evse']);
      const events = await until(() => {
        const all = stream.messages.filter((x) => x.type === 'events').flatMap((x) => x.data as Json[]);
        return all.some((e) => e.message === 'CurrentDemandReq' && e.link === 'ev-evse') ? all : undefined;
      }, 'CurrentDemand messages');
      expect(events.find((e) => e.message === 'SessionSetupReq')?.body).toBeDefined();
      const sessionsOf = () => stream.messages.filter((x) => x.type === 'sessions').flatMap((x) => (x.data as { changed: SessionView[] }).changed);
      const first = await until(() => sessionsOf().find((s) => s.live && s.powerPoints >= 2 && s.evse !== undefined), 'a live session with power samples');
      const later = await until(() => sessionsOf().find((s) => s.id === first.id && s.powerPoints > first.powerPoints + 2), 'the power curve grows');
      expect(later.charts.power).toContain('<svg');
      expect(later.schedules.length).toBeGreaterThanOrEqual(1);
      expect(later.protocol).toBe('iso2');
    } finally {
      stream.close();
    }
  });

  it('a driver action needs the token; with it the departure change reaches the EV, which renegotiates', async () => {
    const sessions = (await api('/api/sessions')).json as unknown as SessionView[];
    const live = sessions.find((s) => s.live)!;
    expect(live).toBeDefined();
    const path = `/api/sessions/${live.id}/departure`;
    expect((await post(path, { departureS: 5400 })).status).toBe(401);
    expect((await post(path, { departureS: 5400 }, 'wrong-token')).status).toBe(401);
    const bad = await post(path, { departureS: -1 }, dash.token);
    expect(bad.status).toBe(400);
    expect((await post('/api/sessions/nope/unplug', {}, dash.token)).status).toBe(404);
    const before = live.schedules.length;
    const ok = await post(path, { departureS: 5400 }, dash.token);
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    // no eMSP followed: the EV's own set-needs (ISO 15118-2 renegotiation)
    expect(ok.json).toMatchObject({ via: expect.stringMatching(/^EV/), action: 'set-needs', response: { changed: true } });
    const renegotiated = await until(async () => {
      const s = ((await api('/api/sessions')).json as unknown as SessionView[]).find((x) => x.id === live.id);
      return s && s.schedules.length > before && s.needs?.departureS !== undefined ? s : undefined;
    }, 'a renegotiated schedule');
    expect(renegotiated.renegotiations).toBeGreaterThanOrEqual(1);
    expect(renegotiated.needs!.departureS).toBeGreaterThan(4000);
  });

  it('timing and journeys of the recent events; the session ends when the EV is unplugged', async () => {
    const timing = await until(async () => {
      const t = (await api('/api/timing')).json as { rows: { protocol: string; message: string; measure: string; n: number; budget?: string }[] };
      return t.rows.some((r) => r.protocol === 'iso15118-2' && r.message === 'CurrentDemand' && r.n > 0) ? t : undefined;
    }, 'CurrentDemand in the timing table');
    expect(timing.rows.find((r) => r.message === 'CurrentDemand')?.budget).toBeDefined();
    const live = ((await api('/api/sessions')).json as unknown as SessionView[]).find((s) => s.live)!;
    const journeys = (await api(`/api/journeys?session=${live.id}`)).json as { journeys: { object: string; svg: string }[] };
    const jmax = journeys.journeys.find((j) => j.object === 'evMaxChargePower');
    expect(jmax?.svg).toContain('<svg');
    const unplug = await post(`/api/sessions/${live.id}/unplug`, {}, dash.token);
    expect(unplug.status, JSON.stringify(unplug.json)).toBe(200);
    expect(await ev.exited).toBe(0);
    const ended = await until(async () => ((await api('/api/sessions')).json as unknown as SessionView[]).find((s) => s.id === live.id && !s.live), 'the session ended');
    expect(ended.stopReason).toBe('unplugged');
    // the EVSE keeps serving; the dashboard too
    expect((await api('/api/processes')).status).toBe(200);
  });

  it('loopback clients read without a token; others need it', async () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('::ffff:127.0.0.5')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('10.1.2.3')).toBe(false);
    expect(isLoopback('::ffff:192.0.2.1')).toBe(false);
    expect(isLoopback(undefined)).toBe(false);
  });
});
