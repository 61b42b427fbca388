/** ISO 15118-2 / -20 / DIN SPEC 70121 timing: the timer table, lookups and a meter. */
export { V2G_PROTOCOLS, V2G_TIMING } from './table.js';
export type {
  V2gMessageName,
  V2gMessageTiming,
  V2gProtocol,
  V2gProtocolTiming,
  V2gTimer,
  V2gTimerName,
} from './table.js';
export {
  V2gTimingError,
  evccMessageTimeout,
  findMessageTiming,
  seccPerformanceTime,
  timingMessageKey,
  v2gTimer,
} from './lookup.js';
export type { V2gTimingErrorCode } from './lookup.js';
export { TimingMeter } from './meter.js';
export type { TimingMeterOptions, TimingRole, TimingSample, TimingStats } from './meter.js';
