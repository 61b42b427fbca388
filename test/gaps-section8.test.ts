// The gap report's D2.3 §8 reference data against the seed: every entry quotes the section it
// cites, every protocol's table rows are there, and where the data-object dictionary disagrees with
// §8 (it carries what §8 does not list, or the other way round) the disagreement is documented as
// a known difference with its reason.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dictionary as d } from '@v2xsim/trace';
import { gaps } from '@v2xsim/scenario';

const here = dirname(fileURLToPath(import.meta.url));
const seed = readFileSync(resolve(here, '../../shared/seed/SCALE-D2.3-update-protocol-definition.txt'), 'utf8');
const squeeze = (s: string): string => s.replace(/\s+/g, '');

/** The text of a section: from its heading to the next heading of any level. */
function sectionText(ref: string): string {
  const heading = gaps.SECTION8_HEADINGS[ref];
  if (!heading) throw new Error(`no heading for ${ref}`);
  const a = seed.indexOf(heading);
  expect(a, heading).toBeGreaterThanOrEqual(0);
  const rest = seed.slice(a + heading.length);
  const next = /\n\d+(\.\d+)* [A-Z]/.exec(rest);
  return heading + (next ? rest.slice(0, next.index) : rest);
}

describe('D2.3 §8 reference data', () => {
  it('every entry quotes D2.3 in the section it cites (and an extension quotes §9)', () => {
    for (const e of gaps.SECTION8) {
      const what = `${e.protocol} ${e.object} ${e.verdict}`;
      expect(squeeze(sectionText(e.sections[0]!)), `${what}: "${e.quote}" in ${e.sections[0]}`).toContain(squeeze(e.quote));
      if (e.verdict === 'extension') {
        expect(e.sections[1], what).toMatch(/^§9\./);
        expect(squeeze(sectionText(e.sections[1]!)), `${what}: "${e.extensionQuote}" in ${e.sections[1]}`).toContain(squeeze(e.extensionQuote!));
      }
    }
  });

  it('one entry per object, protocol and energy transfer', () => {
    const keys = gaps.SECTION8.map((e) => `${e.protocol} ${e.object} ${e.energy ?? '*'}`);
    expect(keys.length).toBe(new Set(keys).size);
  });

  it('the conclusions the gap report must reproduce', () => {
    const s8 = gaps.section8;
    // no V2X data over OCPP 1.6 / 2.0.1, V2X data over 2.1
    for (const o of ['evMaxDischargePower', 'dischargedEnergy', 'v2xWarrantyConstraints'] as const) {
      expect(s8(o, 'ocpp1.6', { scale: true }).carried).toBe(false);
      expect(s8(o, 'ocpp2.0.1', { scale: true }).carried).toBe(false);
      expect(s8(o, 'ocpp2.1').carried).toBe(true);
    }
    // no EV data over OCPI 2.2.1
    for (const o of ['evMaxChargePower', 'evPresentSoc', 'evMaxDischargePower', 'minSoc'] as const) expect(s8(o, 'ocpi2.2.1', { scale: true })).toMatchObject({ carried: false, verdict: 'gap', sections: ['§8.4.1.2'] });
    // the session id over OCPP 2.0.1 / 2.1 only with the extension
    for (const p of ['ocpp2.0.1', 'ocpp2.1'] as const) {
      expect(s8('sessionId', p)).toMatchObject({ verdict: 'extension', carried: false });
      expect(s8('sessionId', p, { scale: true }).carried).toBe(true);
    }
    // energy transfer: -2 carries the EVSE's maximum power in DC only, -20 its active power in AC only
    expect(s8('evseMaxChargePower', 'iso15118-2', { energy: 'DC' }).carried).toBe(true);
    expect(s8('evseMaxChargePower', 'iso15118-2', { energy: 'AC' })).toMatchObject({ verdict: 'gap', carried: false });
    expect(s8('evseActivePower', 'iso15118-20', { energy: 'DC' })).toMatchObject({ verdict: 'gap' });
    expect(s8('evseActivePower', 'iso15118-20', { energy: 'AC' }).carried).toBe(true);
    // no row: absent, with the table it is missing from
    expect(s8('priorityCharging', 'ocpi2.2.1')).toMatchObject({ verdict: 'absent', carried: false, sections: ['§8.4.1.1'] });
  });

  it('the dictionary disagrees with §8 only where a known difference says why', () => {
    const undocumented: string[] = [];
    for (const c of d.coverage()) {
      if (!gaps.isSection8Protocol(c.protocol)) continue;
      for (const scale of [false, true]) {
        const dictCarries = scale ? c.scale : c.standard;
        for (const energy of ['DC', 'AC'] as const) {
          const ref = gaps.section8(c.object, c.protocol, { scale, energy });
          if (ref.carried === dictCarries) continue;
          // the static comparison cannot see the energy transfer of a carrier: only flag a disagreement in both
          const other = gaps.section8(c.object, c.protocol, { scale, energy: energy === 'DC' ? 'AC' : 'DC' });
          if (other.carried !== ref.carried) continue;
          const kind = dictCarries ? 'carried' : 'cannot';
          const known = gaps.findKnownDifference({ object: c.object, protocol: c.protocol, kind, scale, energy });
          if (!known) undocumented.push(`${c.object} over ${c.protocol}${scale ? ' (SCALE)' : ''}: dictionary ${dictCarries ? 'carries' : 'cannot carry'}, §8 ${ref.verdict}`);
        }
      }
    }
    expect([...new Set(undocumented)]).toEqual([]);
  });
});
