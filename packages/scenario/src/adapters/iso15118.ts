// The ISO 15118 stack of a scenario as the EV's and EVSE's protocol lists.
import type { Iso15118Stack } from '../types.js';

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
