/**
 * The charging cable's signals (IEC 61851-1 Annex A, IEC 62196 / IEC 61851-1 Annex B), pure.
 *
 * Control pilot (CP): the EVSE drives an oscillator (+12 V constant, ±12 V PWM, or −12 V
 * constant for state F) through 1 kΩ; the EV loads the line with 2.74 kΩ (S2 open, state B) or
 * 2.74 kΩ ∥ 1.3 kΩ (S2 closed, state C) or ∥ 270 Ω (state D, ventilation). The EVSE reads the
 * positive level. Proximity pilot (PP): a resistor in the plug codes the cable's current capacity.
 */

/**
 * The CP state as the EVSE measures it:
 * - `A` +12 V: no EV connected;
 * - `B` +9 V: EV connected, not ready (S2 open);
 * - `C` +6 V: EV ready, charging allowed/requested (S2 closed);
 * - `D` +3 V: as C, with ventilation required;
 * - `E` 0 V: CP shorted to PE, or the EVSE has no power;
 * - `F` −12 V: the EVSE is not available (error).
 */
export type CpState = 'A' | 'B' | 'C' | 'D' | 'E' | 'F';

/** The states the EV sets (S2, fault): `B` (S2 open), `C`/`D` (S2 closed), `E` (CP short). */
export type EvCpState = 'B' | 'C' | 'D' | 'E';

export const CP_STATES: readonly CpState[] = ['A', 'B', 'C', 'D', 'E', 'F'];
export const EV_CP_STATES: readonly EvCpState[] = ['B', 'C', 'D', 'E'];

/** The positive CP level of each state, in volts (F: the oscillator is held at −12 V). */
export const CP_STATE_VOLTAGE: Readonly<Record<CpState, number>> = { A: 12, B: 9, C: 6, D: 3, E: 0, F: -12 };

export const CP_STATE_DESCRIPTION: Readonly<Record<CpState, string>> = {
  A: 'not connected',
  B: 'EV connected, not ready',
  C: 'EV ready, charging',
  D: 'EV ready, charging with ventilation',
  E: 'error: CP shorted to PE or no power',
  F: 'EVSE not available',
};

/**
 * The EVSE's oscillator: `null` = off (constant +12 V, the sub-state `x1`, e.g. B1), a number =
 * PWM at 1 kHz with that duty cycle in percent (sub-state `x2`, e.g. B2).
 */
export type PwmDuty = number | null;

/** The duty cycle that asks for digital communication (ISO 15118 / DIN 70121). */
export const DIGITAL_COMMUNICATION_DUTY = 5;

export function isCpState(value: unknown): value is CpState {
  return typeof value === 'string' && (CP_STATES as readonly string[]).includes(value);
}

export function isEvCpState(value: unknown): value is EvCpState {
  return typeof value === 'string' && (EV_CP_STATES as readonly string[]).includes(value);
}

/** A duty cycle the oscillator can produce: a finite number in [0, 100]. */
export function isPwmDuty(value: unknown): value is PwmDuty {
  return value === null || (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 100);
}

/** Whether the EVSE signals "digital communication required" (5 %). */
export function isDigitalCommunication(duty: PwmDuty): boolean {
  return duty !== null && duty >= 4.5 && duty <= 5.5;
}

/**
 * The IEC 61851-1 sub-state name: `A1`…`D1` with the oscillator off, `A2`…`D2` with PWM, `E`, `F`.
 */
export function cpSubState(state: CpState, duty: PwmDuty): string {
  if (state === 'E' || state === 'F') return state;
  return `${state}${duty === null || duty >= 100 ? 1 : 2}`;
}

/** The CP levels in volts: `high` during the on-phase (or constant), `low` during the off-phase. */
export function cpLevels(state: CpState, duty: PwmDuty): { readonly high: number; readonly low: number } {
  const high = CP_STATE_VOLTAGE[state];
  if (state === 'E' || state === 'F') return { high, low: high };
  // With PWM the negative half is −12 V (the EV's diode blocks it); without, the line stays high.
  return { high, low: duty === null || duty >= 100 ? high : -12 };
}

/** What a duty cycle tells the EV (IEC 61851-1 Annex A, EVSE-provided duty cycle). */
export type DutyMeaning =
  /** Oscillator off or 100 %: x1, no charging allowed. */
  | { readonly kind: 'off' }
  /** 5 % (4.5–5.5 %): digital communication (ISO 15118 / DIN 70121) required. */
  | { readonly kind: 'digital' }
  /** 8–97 %: the maximum AC current the EV may draw. */
  | { readonly kind: 'current'; readonly currentA: number }
  /** Any other duty cycle: an error, no charging allowed. */
  | { readonly kind: 'not-allowed' };

/**
 * The maximum current a duty cycle allows (IEC 61851-1 Annex A), in amperes rounded to 1 mA, or
 * undefined if the duty cycle does not encode a current:
 * - 8 % ≤ d < 10 %: 6 A;
 * - 10 % ≤ d ≤ 85 %: d × 0.6 A;
 * - 85 % < d ≤ 96 %: (d − 64) × 2.5 A;
 * - 96 % < d ≤ 97 %: 80 A.
 */
export function dutyToCurrent(duty: number): number | undefined {
  let amps: number;
  if (duty >= 8 && duty < 10) amps = 6;
  else if (duty >= 10 && duty <= 85) amps = duty * 0.6;
  else if (duty > 85 && duty <= 96) amps = (duty - 64) * 2.5;
  else if (duty > 96 && duty <= 97) amps = 80;
  else return undefined;
  return Math.round(amps * 1000) / 1000;
}

/**
 * The duty cycle (percent) that signals `currentA` (IEC 61851-1 Annex A): I / 0.6 for 6–51 A,
 * I / 2.5 + 64 above 52.5 A up to 80 A. Never signals more than asked: 51 A < I ≤ 52.5 A (which
 * no duty cycle encodes) gives 85 % (51 A); above 80 A gives 96 % (80 A, the largest current the PWM encodes).
 * Throws RangeError below 6 A (not signalable: turn the PWM off instead) or for a non-number.
 */
export function currentToDuty(currentA: number): number {
  if (!Number.isFinite(currentA) || currentA < 6) {
    throw new RangeError(`${currentA} A cannot be signalled by the CP duty cycle (minimum 6 A)`);
  }
  // Rounded to 1e-9 %: 51 / 0.6 is 85.00000000000001 in binary floating point, which would
  // fall in the next band (52.5 A).
  const exact = (duty: number): number => Math.round(duty * 1e9) / 1e9;
  if (currentA <= 51) return exact(currentA / 0.6);
  if (currentA <= 52.5) return 85;
  if (currentA <= 80) return exact(currentA / 2.5 + 64);
  return 96;
}

/** The meaning of the EVSE's duty cycle for the EV. */
export function interpretDuty(duty: PwmDuty): DutyMeaning {
  if (duty === null || duty >= 100) return { kind: 'off' };
  if (isDigitalCommunication(duty)) return { kind: 'digital' };
  const currentA = dutyToCurrent(duty);
  return currentA === undefined ? { kind: 'not-allowed' } : { kind: 'current', currentA };
}

/**
 * Proximity pilot: the cable's current capacity, coded by a resistor between PP and PE in the
 * plug (IEC 61851-1 Annex B / IEC 62196-2). 63 A is the three-phase rating of the 100 Ω coding.
 */
export type CableCurrent = 13 | 20 | 32 | 63;

export const CABLE_CURRENTS: readonly CableCurrent[] = [13, 20, 32, 63];

/** The PP resistor of each cable rating, in ohms. */
export const PP_RESISTANCE_OHM: Readonly<Record<CableCurrent, number>> = { 13: 1500, 20: 680, 32: 220, 63: 100 };

export function isCableCurrent(value: unknown): value is CableCurrent {
  return typeof value === 'number' && (CABLE_CURRENTS as readonly number[]).includes(value);
}

/** The cable rating of a nominal PP resistor value, or undefined. */
export function cableCurrentFromResistance(ohm: number): CableCurrent | undefined {
  return CABLE_CURRENTS.find((current) => PP_RESISTANCE_OHM[current] === ohm);
}

/**
 * The AC current the EV may draw: the lower of the duty cycle's current and the cable's
 * capacity; 0 if the duty cycle allows no current (off, 5 %, or an error value).
 */
export function allowedCurrent(duty: PwmDuty, cableCurrentA: CableCurrent): number {
  const meaning = interpretDuty(duty);
  return meaning.kind === 'current' ? Math.min(meaning.currentA, cableCurrentA) : 0;
}

/** What each end controls, from which the CP state follows. */
export interface CpInputs {
  /** The EV is connected (plug in the inlet). */
  readonly plugged: boolean;
  /** The EV's load on the line (S2, or a fault). */
  readonly ev: EvCpState;
  /** The EVSE holds its oscillator at −12 V (state F). */
  readonly evseFault: boolean;
}

/** The CP state the EVSE measures: A when unplugged, F while the EVSE holds −12 V, else the EV's load. */
export function resolveCpState(inputs: CpInputs): CpState {
  if (inputs.evseFault) return 'F';
  if (!inputs.plugged) return 'A';
  return inputs.ev;
}
