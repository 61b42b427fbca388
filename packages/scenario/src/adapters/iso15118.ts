// The ISO 15118 stack of a scenario as the EV's and EVSE's protocol lists, and its PKI folder.
import { join, resolve } from 'node:path';
import type { Iso15118Stack } from '../types.js';

/** `pki: generate` makes a fresh PKI in the run's folder (v2xsim pki init) before the processes start. */
export const GENERATED_PKI = 'generate';

/** The PKI folder both ends use: relative to the scenario file, or the run's own generated one. */
export function pkiDir(s: Iso15118Stack, ctx: { baseDir: string; runDir: string }): string | undefined {
  if (s.pki === undefined) return undefined;
  return s.pki === GENERATED_PKI ? join(ctx.runDir, 'pki') : resolve(ctx.baseDir, s.pki);
}

/** `--protocols` of both ends: the SCALE variant first when on, the standard one as its fallback. */
export function iso15118Protocols(s: Iso15118Stack): string[] {
  const energy = s.energy ?? 'DC';
  switch (s.version) {
    case 'din70121':
      return ['din'];
    case 'iso15118-2':
      return s.scale ? ['iso2-scale', 'iso2'] : ['iso2'];
    case 'iso15118-20': {
      const base = energy === 'AC' ? 'iso20-ac' : 'iso20-dc';
      return s.scale ? [`${base}-scale`, base] : [base];
    }
    default: {
      const never: never = s.version;
      throw new Error(`unknown ISO 15118 version ${String(never)}`);
    }
  }
}

/** The EV's energy transfer mode. */
export const energyTransferMode = (s: Iso15118Stack): string => ((s.energy ?? 'DC') === 'AC' ? 'AC_three_phase_core' : 'DC_extended');
