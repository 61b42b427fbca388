// A plain StationEvsePort for the station tests: a meter the test moves, and a record of what
// the station asked of the EVSE (schedules, remote starts, stops).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OcppVersion } from '@v2xsim/ocpp';
import type { EvseMeterSample, EvseScheduleUpdate, StationConfig, StationEvsePort, StationStopReason } from '../../src/station/index.js';

export class FakeEvse implements StationEvsePort {
  importedWh = 1000;
  exportedWh = 0;
  powerW = 0;
  soc: number | undefined;
  readonly schedules: EvseScheduleUpdate[] = [];
  readonly remoteStarts: { idToken: string; remoteStartId?: number }[] = [];
  readonly stops: StationStopReason[] = [];

  meter(): EvseMeterSample {
    return { importedWh: this.importedWh, exportedWh: this.exportedWh, powerW: this.powerW, ...(this.soc !== undefined ? { soc: this.soc } : {}) };
  }

  applySchedule(update: EvseScheduleUpdate): void {
    this.schedules.push(update);
  }

  remoteStart(request: { idToken: string; remoteStartId?: number }): void {
    this.remoteStarts.push(request);
  }

  stopCharging(reason: StationStopReason): void {
    this.stops.push(reason);
  }

  get lastSchedule(): EvseScheduleUpdate | undefined {
    return this.schedules[this.schedules.length - 1];
  }
}

export const PASSWORD_2X = 'a-long-enough-password';
export const KEY_16 = '0123456789abcdef0123456789abcdef';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'v2xsim-station-'));
}

/** A one-EVSE station (AC, 11 kW, V2X 11 kW) with fast timers, for `url`. */
export function stationConfig(version: OcppVersion, url: string, dataDir: string, over: Partial<StationConfig> = {}): StationConfig {
  return {
    id: `CS-${version.replace(/\./g, '')}`,
    csmsUrl: url,
    version,
    securityProfile: 1,
    password: version === '1.6' ? KEY_16 : PASSWORD_2X,
    vendorName: 'v2xsim',
    model: 'TestStation',
    serialNumber: 'SN-1',
    firmwareVersion: '0.1.0',
    evses: [{ id: 1, supply: { kind: 'AC', voltage: 230, phases: 3 }, maxPowerW: 11_000, maxDischargePowerW: 11_000 }],
    dataDir,
    reconnect: { waitMinimumMs: 30, randomRangeMs: 0, repeatTimes: 1 },
    callTimeoutMs: 3000,
    variables: { 'SampledDataCtrlr.TxUpdatedInterval': '1' },
    ...over,
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until `pred` holds (polling), or fails after `timeoutMs`. */
export async function until(pred: () => boolean, timeoutMs = 5000, what = 'a condition'): Promise<void> {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
