// The protocol stacks `v2xsim gaps` runs, and the scenario it generates for each: one whole
// session across the EV, EVSE, CSMS and SCSP, with every data object the simulated actors can
// produce (the driver's needs at the EV and at the eMSP, V2X limits for a bidirectional EV), so
// that a data object missing somewhere is missing because of the protocol, not the scenario.
import type { Scenario, Step } from '../types.js';

export type GapIso = 'din70121' | 'iso15118-2' | 'iso15118-20';
export type GapOcpp = '1.6' | '2.0.1' | '2.1';

export interface GapStack {
  iso15118: GapIso;
  energy: 'DC' | 'AC';
  /** ISO 15118-20 bidirectional power transfer (DC_BPT / AC_BPT) */
  bpt?: boolean;
  /** EVSE ↔ CSMS; absent: no CSMS */
  ocpp?: GapOcpp;
  /** CSMS ↔ SCSP over OCPI 2.2.1 */
  ocpi?: boolean;
  /** the SCALE extensions on every link that has one (ISO 15118-2/-20 namespaces, OCPP 2.0.1/2.1 customData) */
  scale: boolean;
  /** the OCPP link's SCALE extension, when it differs from `scale` */
  ocppScale?: boolean;
}

/** Whether a link of the stack speaks the SCALE extension (ISO 15118-2/-20 namespaces; OCPP 2.0.1/2.1 customData; none for DIN, OCPP 1.6, OCPI). */
export function linkScale(s: GapStack, link: 'ev-evse' | 'evse-csms' | 'csms-scsp'): boolean {
  switch (link) {
    case 'ev-evse':
      return s.scale && s.iso15118 !== 'din70121';
    case 'evse-csms':
      return (s.ocppScale ?? s.scale) && s.ocpp !== undefined && s.ocpp !== '1.6';
    case 'csms-scsp':
      return false;
  }
}

function scaleId(s: GapStack): string {
  const ocpp = s.ocppScale ?? s.scale;
  if (!s.ocpp || ocpp === s.scale) return s.scale ? 'scale' : 'std';
  return s.scale ? 'scale-iso15118' : 'scale-ocpp';
}

function scaleLabel(s: GapStack): string {
  const id = scaleId(s);
  return id === 'scale' ? 'SCALE' : id === 'std' ? 'standard' : id === 'scale-iso15118' ? 'SCALE on ISO 15118 only' : 'SCALE on OCPP only';
}

const ISO_ID: Record<GapIso, string> = { din70121: 'din', 'iso15118-2': 'iso2', 'iso15118-20': 'iso20' };
const ISO_LABEL: Record<GapIso, string> = { din70121: 'DIN 70121', 'iso15118-2': 'ISO 15118-2', 'iso15118-20': 'ISO 15118-20' };

/** A stack's run name: `iso20-dc-bpt-ocpp2.1-ocpi-scale`. */
export function stackId(s: GapStack): string {
  return [ISO_ID[s.iso15118], s.energy.toLowerCase(), s.bpt ? 'bpt' : '', s.ocpp ? `ocpp${s.ocpp}` : '', s.ocpi ? 'ocpi' : '', scaleId(s)].filter(Boolean).join('-');
}

/** A stack for people: `ISO 15118-20 DC BPT · OCPP 2.1 · OCPI 2.2.1 · SCALE`. */
export function stackLabel(s: GapStack): string {
  return [`${ISO_LABEL[s.iso15118]} ${s.energy}${s.bpt ? ' BPT' : ''}`, s.ocpp ? `OCPP ${s.ocpp}` : '', s.ocpi ? 'OCPI 2.2.1' : '', scaleLabel(s)].filter(Boolean).join(' · ');
}

const stack = (iso15118: GapIso, energy: 'DC' | 'AC', ocpp: GapOcpp | undefined, scale: boolean, extra: Partial<GapStack> = {}): GapStack => ({
  iso15118,
  energy,
  ...(iso15118 === 'iso15118-20' ? { bpt: true } : {}),
  ...(ocpp ? { ocpp, ocpi: true } : {}),
  scale,
  ...extra,
});

/**
 * The default matrix: the fewest whole-chain runs that test each conclusion of D2.3 §8 the report
 * checks (findings.ts) both ways — a V1G EV (ISO 15118-2 DC) and a V2G EV (ISO 15118-20 DC_BPT)
 * over each OCPP version they need, always with OCPI to the SCSP, SCALE off and on where §9
 * extends the protocol. OCPP 2.1 without its extension runs behind ISO 15118-20 with its
 * extension, so that the station has the V2X state of health to (not) pass on.
 */
export const DEFAULT_MATRIX: readonly GapStack[] = [
  stack('iso15118-2', 'DC', '1.6', false),
  stack('iso15118-2', 'DC', '2.0.1', false),
  stack('iso15118-2', 'DC', '2.0.1', true),
  stack('iso15118-20', 'DC', '1.6', false),
  stack('iso15118-20', 'DC', '2.0.1', false),
  stack('iso15118-20', 'DC', '2.0.1', true),
  stack('iso15118-20', 'DC', '2.1', true, { ocppScale: false }),
  stack('iso15118-20', 'DC', '2.1', true),
];

/** `--full`: every ISO 15118 version and energy transfer × every OCPP version × SCALE off/on, with OCPI. */
export const FULL_MATRIX: readonly GapStack[] = (
  [
    ['din70121', 'DC'],
    ['iso15118-2', 'DC'],
    ['iso15118-2', 'AC'],
    ['iso15118-20', 'DC'],
    ['iso15118-20', 'AC'],
  ] as const
).flatMap(([iso, energy]) => (['1.6', '2.0.1', '2.1'] as const).flatMap((ocpp) => [false, true].map((scale) => stack(iso, energy, ocpp, scale))));

export interface GapScenarioOptions {
  /** sim seconds per wall second (default 600) */
  speed?: number;
  /** wall seconds, once every process is up, before a run is abandoned (default 120: the report does not measure speed) */
  timeoutS?: number;
  /** wall seconds from the first charge-loop request to the unplug (default 3) */
  sessionWallS?: number;
}

/** The EV's and driver's numbers every run shares, so runs differ only in their stack. */
export const GAP_EV = { capacityWh: 60_000, soc: 30, dcMaxPowerW: 50_000, dischargeMaxPowerW: 11_000, v2xBudgetWh: 5_000, roundTripEfficiency: 0.9 } as const;
export const GAP_DRIVER = { targetSoc: 80, minimumSoc: 20, maximumSoc: 90, departureS: 6 * 3600 } as const;

/** The scenario of one stack: a session from plug-in until the driver unplugs, the driver's needs given at the EV and (with OCPI) at the eMSP. */
export function gapScenario(s: GapStack, opts: GapScenarioOptions = {}): Scenario {
  const iso: Scenario['stack']['iso15118'] = {
    version: s.iso15118,
    energy: s.energy,
    ...(linkScale(s, 'ev-evse') ? { scale: true } : {}),
    ...(s.iso15118 === 'iso15118-20' ? { bpt: s.bpt ?? false, controlMode: 'dynamic' as const } : {}),
  };
  // the charge loop runs `sessionWallS` wall seconds (the station's meter values are every wall second, the FSP's plan
  // takes its round trip through the CPO), then the driver unplugs
  const loop = s.iso15118 === 'iso15118-20' ? `${s.energy}_ChargeLoopReq` : s.energy === 'DC' ? 'CurrentDemandReq' : 'ChargingStatusReq';
  const speed = opts.speed ?? 600;
  // with an SCSP the session runs until its profile has gone to the station (through the CPO),
  // however long that takes on a loaded machine; else from the first charge-loop request
  const after = s.ocpi ? { actor: 'csms', message: 'SetChargingProfileRequest', direction: 'tx' as const } : { actor: 'evse', message: loop, direction: 'rx' as const };
  const steps: Step[] = [{ name: 'the driver unplugs', after, at: Math.round((opts.sessionWallS ?? 3) * speed), unplug: {} }];
  return {
    name: `gaps-${stackId(s)}`,
    description: `v2xsim gaps: ${stackLabel(s)}`,
    clock: { speed },
    timeoutS: opts.timeoutS ?? 120,
    stack: {
      iso15118: iso,
      ...(s.ocpp ? { ocpp: { version: s.ocpp, ...(linkScale(s, 'evse-csms') ? { scale: true } : {}) } } : {}),
      ...(s.ocpi ? { ocpi: { version: '2.2.1' as const } } : {}),
    },
    topology: { fsp: s.ocpi ? 'scsp' : s.ocpp ? 'csms' : 'evse' },
    ev: { ...GAP_EV, ...(s.energy === 'AC' ? { acMaxCurrentA: 16 } : {}) },
    evse: { dcMaxPowerW: 50_000, ...(s.bpt ? { dcMaxDischargePowerW: 11_000 } : {}) },
    site: { maxPowerW: 40_000 },
    driver: { ...GAP_DRIVER, dischargeAllowed: s.bpt ?? false },
    steps,
    expect: [{ name: 'the session completes', session: { ok: true } }],
  };
}
