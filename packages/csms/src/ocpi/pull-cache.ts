// The OCPI objects the CPO serves to pulls (GET Locations, GET Sessions pages), kept between
// requests: building one reads the station, its connectors, the transaction, every meter value and
// the token from the database, which made a page cost milliseconds. An object is built again when
// something it is made of changed:
//   - its station: every station event the CSMS stores (StatusNotification, TransactionEvent,
//     MeterValues, Start/StopTransaction, BootNotification) and its connecting and disconnecting
//     reach OcpiCpo.stationChanged, which bumps the station's generation;
//   - anything shared (a token pushed or authorized, a session's OCPI record): everything;
//   - time: a Session's cost can depend on time (a TIME tariff component), and timestamps the
//     station did not give are "now"; an object is never older than maxAgeMs of sim time.
// Pushes never use it: they read the database afresh.
//
// Lists and their objects are frozen (deeply): a list never changes, a change gives a new list. So
// @v2xsim/ocpi's pageOf cuts each page of a list once and the route serialises each page once
// (pagination.ts, route.ts); the next change or maxAgeMs makes new lists, pages and JSON.

/** more objects than this: start again (a bound on memory, far above a simulated site) */
const MAX_ENTRIES = 100_000;

interface Entry<T> {
  value: T | undefined;
  station: number;
  shared: number;
  at: number;
}

export class PullCache {
  private readonly stations = new Map<string, number>();
  private shared = 0;
  private readonly entries = new Map<string, Entry<unknown>>();
  private readonly lists = new Map<string, { value: unknown[]; changes: number; at: number }>();
  /** bumped with every change: callers skip work that only a change can make necessary */
  private changes = 0;

  constructor(
    private readonly now: () => number,
    private readonly maxAgeMs = 1_000,
  ) {}

  /** The cached object of `key` (made from `stationId`'s data), or a fresh one from `build`. */
  get<T>(key: string, stationId: string, build: () => T | undefined): T | undefined {
    const station = this.stations.get(stationId) ?? 0;
    const now = this.now();
    const e = this.entries.get(key) as Entry<T> | undefined;
    if (e && e.station === station && e.shared === this.shared && Math.abs(now - e.at) < this.maxAgeMs) return e.value;
    const value = build();
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, { value, station, shared: this.shared, at: now });
    return value;
  }

  /** A whole list (every Location, every Session), kept while no station and nothing shared changed; frozen, with its objects. */
  list<T>(key: string, build: () => T[]): readonly T[] {
    const now = this.now();
    const l = this.lists.get(key) as { value: readonly T[]; changes: number; at: number } | undefined;
    if (l && l.changes === this.changes && Math.abs(now - l.at) < this.maxAgeMs) return l.value;
    const value = deepFreeze(build());
    this.lists.set(key, { value, changes: this.changes, at: now });
    return value;
  }

  /** A station's data changed: its objects are built again. */
  stationChanged(stationId: string): void {
    this.stations.set(stationId, (this.stations.get(stationId) ?? 0) + 1);
    this.changes++;
  }

  /** Something every object may be made of changed. */
  sharedChanged(): void {
    this.shared++;
    this.changes++;
  }

  /** A counter of changes so far (stations and shared). */
  get generation(): number {
    return this.changes;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}

/** Freezes `x` and everything in it (plain JSON-like data). */
function deepFreeze<T>(x: T): T {
  if (typeof x !== 'object' || x === null || Object.isFrozen(x)) return x;
  for (const v of Object.values(x)) deepFreeze(v);
  return Object.freeze(x);
}
