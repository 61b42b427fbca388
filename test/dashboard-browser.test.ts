// The dashboard in a real browser during the demo: `v2xsim demo` (CSMS, SCSP, two EVSEs, the EVs,
// separate OS processes) and Debian's Chromium driven by playwright-core (no browser download). The
// page shows a live session whose power curve grows and whose messages arrive; with the token from
// the demo's banner a click on "Change departure" goes through the eMSP (OCPI charging preferences
// → the CSMS → the station) and the EV's renegotiated schedule appears. A screenshot is kept in
// test-artifacts/dashboard.png. Chromium comes from scripts/ensure-chromium.sh (apt-get on Debian as
// root, as in CI); without it the test is skipped and says why.
import { accessSync, constants } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { children, root, until, v2xsim } from './support/processes.js';

const BROWSER = process.env.V2XSIM_CHROMIUM ?? '/usr/bin/chromium';
const missing = ((): string | undefined => {
  try {
    accessSync(BROWSER, constants.X_OK);
    return undefined;
  } catch {
    return `no Chromium at ${BROWSER}: run scripts/ensure-chromium.sh (apt-get install chromium, as root on Debian) or set V2XSIM_CHROMIUM`;
  }
})();
if (missing) console.warn(`dashboard-browser.test.ts skipped: ${missing}`);

const ARTIFACTS = join(root, 'test-artifacts');
let browser: Browser | undefined;
let tmp: string | undefined;

afterAll(async () => {
  await browser?.close();
  // the demo stops its own processes on SIGTERM; SIGKILL only if it does not
  for (const c of children) c.kill('SIGTERM');
  await until(() => (children.size === 0 ? true : undefined), 'the demo stopped', undefined, 20_000).catch(() => undefined);
  for (const c of children) c.kill('SIGKILL');
  if (tmp) await rm(tmp, { recursive: true, force: true });
}, 30_000);

describe.skipIf(missing !== undefined)(`the dashboard in Chromium during the demo${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('a live session’s power curve grows, its messages arrive, a departure change brings a renegotiated schedule', async () => {
    tmp = await mkdtemp(join(tmpdir(), 'v2xsim-browser-'));
    const demo = v2xsim(['demo', '--port', '0', '--speed', '120', '--out', join(tmp, 'demo')]);
    const ready = await until(() => /v2xsim demo ready: dashboard=(\S+) token=(\S+)/.exec(demo.out.stderr) ?? undefined, 'the demo’s banner', demo, 40_000);
    const [url, token] = [ready[1], ready[2]];

    browser = await chromium.launch({
      executablePath: BROWSER,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    // the control URL as printed: the token travels in the fragment, never to the server's logs
    await page.goto(`${url}#token=${token}`);
    await page.waitForSelector('#mode.control', { timeout: 10_000 });

    // a live V1G session (ISO 15118-2): its power curve grows
    const live = page.locator('article.session[data-live="true"]', { has: page.locator('.proto', { hasText: /^iso2$/ }) }).first();
    await live.waitFor({ timeout: 40_000 });
    const card = page.locator(`article.session[data-session="${await live.getAttribute('data-session')}"]`);
    const points = async () => Number(await card.getAttribute('data-power-points'));
    await until(async () => ((await points()) >= 2 ? true : undefined), 'power samples', demo, 20_000);
    const before = await points();
    await until(async () => ((await points()) >= before + 3 ? true : undefined), 'the power curve grows', demo, 20_000);
    expect(await card.locator('.chart.power svg path').count()).toBeGreaterThan(0);

    // the driver changes the departure time (first, while the session surely runs): through the
    // eMSP, then a renegotiated schedule at the EV
    const schedules = async () => Number(await card.getAttribute('data-schedules'));
    await until(async () => ((await schedules()) >= 1 ? true : undefined), 'a first schedule', demo, 20_000);
    const n = await schedules();
    await card.locator('input.departure-min').fill('90');
    await card.locator('button.act-departure').click();
    await until(async () => (/done via/.test((await card.locator('output.result').textContent()) ?? '') ? true : undefined), 'the departure change accepted', demo, 25_000);
    expect(await card.locator('output.result').textContent()).toMatch(/via eMSP/);
    await until(async () => ((await schedules()) > n ? true : undefined), 'the renegotiated schedule', demo, 25_000);
    expect(await card.locator('.schedule').textContent()).toMatch(/renegotiated/);

    // its messages arrive
    await until(async () => ((await page.locator('#messages tbody tr.msg').count()) > 10 ? true : undefined), 'messages in the table', demo, 20_000);
    await page.selectOption('#f-link', 'ev-evse');
    await page.fill('#f-text', 'CurrentDemand');
    await until(async () => ((await page.locator('#messages tbody tr.msg').count()) > 0 ? true : undefined), 'CurrentDemand rows', demo);
    await page.locator('#messages tbody tr.msg').first().click();
    expect(await page.locator('#messages tbody tr.body pre').first().textContent()).toContain('CurrentDemand');
    await page.fill('#f-text', '');
    await page.selectOption('#f-link', '');

    // the other panels have content
    await until(async () => ((await page.locator('#timing tbody tr').count()) > 0 ? true : undefined), 'the timing table', demo, 15_000);
    await page.locator('#journey-form button').click();
    await until(async () => ((await page.locator('details.journey').count()) > 0 ? true : undefined), 'data journeys', demo, 15_000);
    await page.locator('details.journey summary').first().click();
    expect(problems).toEqual([]);

    await mkdir(ARTIFACTS, { recursive: true });
    // what a person sees first: the processes and the sessions with their plots
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png') });

    // SIGTERM stops everything cleanly
    demo.child.kill('SIGTERM');
    expect(await demo.exited).toBe(0);
  }, 240_000);
});
