// N charging stations in one process: identities from a pattern (`CS-{n:03}` → CS-001 …), each
// with its own EVSEs, journal folder (<dataDir>/<identity>), connection and timers, all on the
// same CSMS. What an experienced user of a station simulator expects for load and fleet tests.
import { join } from 'node:path';
import type { Tracer } from '@v2xsim/trace';
import { stationIdFromPattern, type StationConfig } from './config.js';
import type { StationEvsePort } from './ports.js';
import { ChargingStation } from './station.js';

export interface StationPoolOptions {
  /** e.g. `CS-{n:03}` */
  idPattern: string;
  count: number;
  /** first number (default 1) */
  firstNumber?: number;
  /** every station's configuration but its id and data folder */
  base: Omit<StationConfig, 'id' | 'dataDir'>;
  /** parent folder; each station keeps its journal in a sub-folder named by its identity */
  dataDir: string;
  /** the port of one EVSE of one station */
  port: (stationId: string, evseId: number) => StationEvsePort;
  tracer?: (stationId: string) => Tracer | undefined;
}

export class StationPool {
  readonly stations: ChargingStation[] = [];

  constructor(options: StationPoolOptions) {
    if (!(Number.isInteger(options.count) && options.count >= 1)) throw new RangeError('a pool has at least one station');
    const first = options.firstNumber ?? 1;
    const ids = new Set<string>();
    for (let n = first; n < first + options.count; n++) {
      const id = stationIdFromPattern(options.idPattern, n);
      if (ids.has(id)) throw new RangeError(`id pattern ${options.idPattern} gives ${id} twice`);
      ids.add(id);
      const tracer = options.tracer?.(id);
      this.stations.push(new ChargingStation({ ...options.base, id, dataDir: join(options.dataDir, id) }, (evseId) => options.port(id, evseId), tracer ? { tracer } : {}));
    }
  }

  get(id: string): ChargingStation | undefined {
    return this.stations.find((s) => s.id === id);
  }

  start(): void {
    for (const s of this.stations) s.start();
  }

  /** Resolves when every station's BootNotification was accepted. */
  async waitBooted(): Promise<void> {
    await Promise.all(this.stations.map((s) => s.waitBooted()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.stations.map((s) => s.stop()));
  }
}
