// The SCSP as eMSP: OCPI 2.2.1 Locations Receiver and Tariffs Receiver (mod_locations,
// mod_tariffs). In memory:
//   - Locations: PUT/PATCH at location, EVSE and connector level; a PATCH merges into the stored
//     object and sets its last_updated (and the parents', as mod_locations asks); GET of one object;
//     an unknown object on GET or PATCH → HTTP 404, status_code 2003 (unknown location);
//   - Tariffs: PUT/DELETE/GET (an unknown tariff → 404);
//   - after registration, pulls the CPO's Locations and Tariffs Sender lists (every page), so the
//     SCSP starts with the full picture; a failed pull is logged and tried again later (back-off),
//     never fatal.
import {
  locationsReceiverPlugin,
  ocpiNow,
  OcpiError,
  OcpiStatus,
  tariffsReceiverPlugin,
  type Connector,
  type EVSE,
  type Location,
  type LocationKey,
  type LocationsPatch,
  type LocationsPut,
  type OcpiClient,
  type OcpiModule,
  type PushOutcome,
  type Tariff,
  type TariffKey,
} from '@v2xsim/ocpi';

export interface ScspLocationsOptions {
  /** sim time, ms since the epoch */
  now(): number;
  log(line: string): void;
  /** back-off of a failed pull: from delayMs, doubling to maxDelayMs */
  retry: { delayMs: number; maxDelayMs?: number };
}

export interface LocationCounts {
  locations: number;
  evses: number;
  connectors: number;
  tariffs: number;
  /** the last pull of the CPO's lists: when it ended, or why it failed */
  pull?: { at: string; locations: number; tariffs: number } | { error: string; attempts: number };
}

const unknownLocation = (what: string): OcpiError => OcpiError.notFound(`unknown ${what}`, OcpiStatus.UnknownLocation);

const keyOf = (country: string, party: string, id: string): string => `${country}/${party}/${id}`;

const describe = (e: unknown): string => (e instanceof OcpiError ? `${e.message} (status_code ${e.statusCode})` : e instanceof Error ? e.message : String(e));

/** The Locations and Tariffs the CPO published, as the SCSP (eMSP) holds them. */
export class ScspLocations {
  readonly locations = new Map<string, Location>();
  readonly tariffs = new Map<string, Tariff>();
  private pullState: LocationCounts['pull'];
  private pullTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly o: ScspLocationsOptions) {}

  /** The Locations Receiver and Tariffs Receiver modules (advertised as RECEIVER endpoints). */
  modules(): OcpiModule[] {
    return [
      locationsReceiverPlugin({
        get: (_ctx, key) => this.find(key),
        put: (_ctx, put) => this.put(put),
        patch: (_ctx, patch) => this.patch(patch),
      }),
      tariffsReceiverPlugin({
        get: (_ctx, key) => this.tariffs.get(keyOf(key.country_code, key.party_id, key.tariff_id)),
        put: (_ctx, key, tariff) => this.putTariff(key, tariff),
        delete: (_ctx, key) => this.tariffs.delete(keyOf(key.country_code, key.party_id, key.tariff_id)),
      }),
    ];
  }

  counts(): LocationCounts {
    let evses = 0;
    let connectors = 0;
    for (const l of this.locations.values()) {
      for (const e of l.evses ?? []) {
        evses++;
        connectors += e.connectors.length;
      }
    }
    return { locations: this.locations.size, evses, connectors, tariffs: this.tariffs.size, ...(this.pullState ? { pull: this.pullState } : {}) };
  }

  /** The stored object at the key's level, or undefined. */
  find(key: LocationKey): Location | EVSE | Connector | undefined {
    const location = this.locations.get(keyOf(key.country_code, key.party_id, key.location_id));
    if (!location || key.evse_uid === undefined) return location;
    const evse = location.evses?.find((e) => e.uid === key.evse_uid);
    if (!evse || key.connector_id === undefined) return evse;
    return evse.connectors.find((c) => c.id === key.connector_id);
  }

  private locationOf(key: LocationKey): Location {
    const location = this.locations.get(keyOf(key.country_code, key.party_id, key.location_id));
    if (!location) throw unknownLocation(`location ${key.country_code}/${key.party_id}/${key.location_id}`);
    return location;
  }

  private evseOf(key: LocationKey & { evse_uid: string }): { location: Location; evse: EVSE } {
    const location = this.locationOf(key);
    const evse = location.evses?.find((e) => e.uid === key.evse_uid);
    if (!evse) throw unknownLocation(`EVSE ${key.evse_uid} at location ${key.location_id}`);
    return { location, evse };
  }

  /** last_updated of the pushed object, else now; the parents' are raised to it */
  private stamp(given: string | undefined): string {
    return given ?? ocpiNow(new Date(this.o.now()));
  }

  private static raise(obj: { last_updated: string }, at: string): void {
    if (Date.parse(at) > Date.parse(obj.last_updated)) obj.last_updated = at;
  }

  put(put: LocationsPut): PushOutcome {
    switch (put.level) {
      case 'location': {
        const k = keyOf(put.key.country_code, put.key.party_id, put.key.location_id);
        const known = this.locations.has(k);
        this.locations.set(k, structuredClone(put.object));
        return known ? 'updated' : 'created';
      }
      case 'evse': {
        const location = this.locationOf(put.key);
        const evses = (location.evses ??= []);
        const i = evses.findIndex((e) => e.uid === put.key.evse_uid);
        if (i >= 0) evses[i] = structuredClone(put.object);
        else evses.push(structuredClone(put.object));
        ScspLocations.raise(location, put.object.last_updated);
        return i >= 0 ? 'updated' : 'created';
      }
      case 'connector': {
        const { location, evse } = this.evseOf(put.key);
        const i = evse.connectors.findIndex((c) => c.id === put.key.connector_id);
        if (i >= 0) evse.connectors[i] = structuredClone(put.object);
        else evse.connectors.push(structuredClone(put.object));
        ScspLocations.raise(evse, put.object.last_updated);
        ScspLocations.raise(location, put.object.last_updated);
        return i >= 0 ? 'updated' : 'created';
      }
    }
  }

  patch(patch: LocationsPatch): void {
    const at = this.stamp(patch.patch.last_updated);
    switch (patch.level) {
      case 'location': {
        const location = this.locationOf(patch.key);
        Object.assign(location, structuredClone(patch.patch), { last_updated: at });
        return;
      }
      case 'evse': {
        const { location, evse } = this.evseOf(patch.key);
        Object.assign(evse, structuredClone(patch.patch), { last_updated: at });
        ScspLocations.raise(location, at);
        return;
      }
      case 'connector': {
        const { location, evse } = this.evseOf(patch.key);
        const connector = evse.connectors.find((c) => c.id === patch.key.connector_id);
        if (!connector) throw unknownLocation(`connector ${patch.key.connector_id} of EVSE ${patch.key.evse_uid}`);
        Object.assign(connector, structuredClone(patch.patch), { last_updated: at });
        ScspLocations.raise(evse, at);
        ScspLocations.raise(location, at);
        return;
      }
    }
  }

  putTariff(key: TariffKey, tariff: Tariff): PushOutcome {
    const k = keyOf(key.country_code, key.party_id, key.tariff_id);
    const known = this.tariffs.has(k);
    this.tariffs.set(k, structuredClone(tariff));
    return known ? 'updated' : 'created';
  }

  // ------------------------------------------------------------------ pull

  /**
   * Pulls the CPO's Locations and Tariffs (every page, when it has those Sender endpoints) and
   * stores them; on failure, logs and tries again after a back-off until it succeeds or stop().
   */
  startPull(client: () => Promise<OcpiClient>): void {
    this.stopped = false;
    if (this.pullTimer) clearTimeout(this.pullTimer);
    const attempt = async (n: number): Promise<void> => {
      this.pullTimer = undefined;
      if (this.stopped) return;
      try {
        const r = await this.pull(await client());
        this.pullState = { at: ocpiNow(new Date(this.o.now())), ...r };
        this.o.log(`scsp: pulled ${r.locations} location(s) and ${r.tariffs} tariff(s) from the CPO`);
      } catch (e) {
        if (this.stopped) return;
        const wait = Math.min(this.o.retry.delayMs * 2 ** (n - 1), this.o.retry.maxDelayMs ?? 60_000);
        this.pullState = { error: describe(e), attempts: n };
        if (n <= 3 || n % 10 === 0) this.o.log(`scsp: pulling the CPO's locations and tariffs failed (attempt ${n}): ${describe(e)}; retrying in ${wait} ms`);
        this.pullTimer = setTimeout(() => void attempt(n + 1), wait);
        this.pullTimer.unref();
      }
    };
    void attempt(1);
  }

  /** One pull of the CPO's lists; the objects go into the stores. */
  async pull(c: OcpiClient): Promise<{ locations: number; tariffs: number }> {
    const has = (identifier: string): boolean => c.peer.endpoints?.some((e) => e.identifier === identifier && e.role === 'SENDER') ?? false;
    let locations = 0;
    let tariffs = 0;
    if (has('locations')) {
      for await (const l of c.locations.sender.list()) {
        this.keepNewer(this.locations, keyOf(l.country_code, l.party_id, l.id), l);
        locations++;
      }
    }
    if (has('tariffs')) {
      for await (const t of c.tariffs.sender.list()) {
        this.keepNewer(this.tariffs, keyOf(t.country_code, t.party_id, t.id), t);
        tariffs++;
      }
    }
    return { locations, tariffs };
  }

  /** a push that came in while the pull ran is not overwritten by an older copy */
  private keepNewer<T extends { last_updated: string }>(store: Map<string, T>, key: string, pulled: T): void {
    const held = store.get(key);
    if (!held || Date.parse(pulled.last_updated) >= Date.parse(held.last_updated)) store.set(key, pulled);
  }

  stop(): void {
    this.stopped = true;
    if (this.pullTimer) clearTimeout(this.pullTimer);
    this.pullTimer = undefined;
  }
}
