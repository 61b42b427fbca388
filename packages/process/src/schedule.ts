// PMaxSchedule: a power limit over time, as ISO 15118-2 sends it in the SAScheduleTuple (and -20
// in its scheduled mode): the EVSE offers and enforces it, the EV follows it. Times are relative
// to the schedule's t = 0.

export interface PMaxScheduleEntry {
  /** start, s after t = 0 (RelativeTimeInterval start) */
  startS: number;
  /** s (RelativeTimeInterval duration). Absent = until the next entry starts; open-ended on the last. */
  durationS?: number;
  /** maximum power, W (PMax) */
  pMaxW: number;
}

export type PMaxSchedule = readonly PMaxScheduleEntry[];

export function validatePMaxSchedule(schedule: PMaxSchedule): void {
  if (schedule.length === 0) throw new RangeError('a PMaxSchedule needs at least one entry');
  let prev = -Infinity;
  for (const e of schedule) {
    if (!(e.startS >= 0) || !Number.isFinite(e.startS)) throw new RangeError(`PMaxSchedule startS must be finite and ≥ 0, got ${e.startS}`);
    if (!(e.pMaxW >= 0) || !Number.isFinite(e.pMaxW)) throw new RangeError(`PMaxSchedule pMaxW must be finite and ≥ 0, got ${e.pMaxW}`);
    if (e.durationS !== undefined && !(e.durationS > 0)) throw new RangeError(`PMaxSchedule durationS must be > 0, got ${e.durationS}`);
    if (e.startS <= prev) throw new RangeError('PMaxSchedule entries must be sorted by strictly ascending startS');
    prev = e.startS;
  }
}

function entryEndS(schedule: PMaxSchedule, i: number): number {
  const e = schedule[i];
  const nextStart = schedule[i + 1]?.startS ?? Infinity;
  return Math.min(nextStart, e.durationS !== undefined ? e.startS + e.durationS : Infinity);
}

/** The entry in force `elapsedS` after t = 0; undefined before the first, in a gap, after the end. */
export function activePMaxScheduleEntry(schedule: PMaxSchedule, elapsedS: number): PMaxScheduleEntry | undefined {
  for (let i = schedule.length - 1; i >= 0; i--) {
    if (schedule[i].startS <= elapsedS) return elapsedS < entryEndS(schedule, i) ? schedule[i] : undefined;
  }
  return undefined;
}

/**
 * The same schedule seen from `elapsedS` after its t = 0: entries already over are dropped,
 * the running one starts at 0 (shortened if it has a duration), later ones shift. ISO 15118-2
 * schedules are relative to the moment they are sent, so this is what goes on the wire.
 */
export function rebasePMaxSchedule(schedule: PMaxSchedule, elapsedS: number): PMaxScheduleEntry[] {
  const out: PMaxScheduleEntry[] = [];
  for (let i = 0; i < schedule.length; i++) {
    const e = schedule[i];
    const end = entryEndS(schedule, i);
    if (end <= elapsedS) continue;
    const startS = Math.max(0, e.startS - elapsedS);
    const entry: PMaxScheduleEntry = { startS, pMaxW: e.pMaxW };
    if (e.durationS !== undefined) entry.durationS = end - elapsedS - startS;
    out.push(entry);
  }
  return out;
}
