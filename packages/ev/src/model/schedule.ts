// The power schedule the EV follows: ISO 15118-2 PMaxSchedule entries (and the -20 scheduled
// mode's PowerSchedule), times relative to the moment the schedule starts.

export interface PMaxScheduleEntry {
  /** start, seconds after the schedule's t = 0 (RelativeTimeInterval start) */
  startS: number;
  /** maximum power during the entry, W (PMax) */
  pMaxW: number;
  /** duration, s (RelativeTimeInterval duration). Absent = until the next entry starts; open-ended on the last. */
  durationS?: number;
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

/**
 * The entry in force `elapsedS` seconds after the schedule's start: the last one that has
 * started, until the next one starts or its own duration ends, whichever comes first.
 * undefined before the first entry, in a gap, and after the end of the schedule.
 */
export function activePMaxScheduleEntry(schedule: PMaxSchedule, elapsedS: number): PMaxScheduleEntry | undefined {
  for (let i = schedule.length - 1; i >= 0; i--) {
    const e = schedule[i];
    if (e.startS <= elapsedS) {
      const nextStart = schedule[i + 1]?.startS ?? Infinity;
      const end = Math.min(nextStart, e.durationS !== undefined ? e.startS + e.durationS : Infinity);
      return elapsedS < end ? e : undefined;
    }
  }
  return undefined;
}
