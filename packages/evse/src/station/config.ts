// Configuration of one OCPP charging station: where its CSMS is, which OCPP version and security
// profile it speaks, what it reports in BootNotification, its EVSEs and connectors, where its
// journal lives, and whether it adds the SCALE customData (D2.3 §9.3, §9.4).
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { isValidIdentity, type BackoffOptions, type ElectricalSupply, type OcppVersion } from '@v2xsim/ocpp';

export type SecurityProfile = 1 | 2 | 3;

export interface StationEvseConfig {
  /** 1..n (1.6: the connector id, one connector per EVSE) */
  id: number;
  /** connectors on this EVSE (2.x); default 1 */
  connectors?: number;
  /** ConnectorType reported in the device model, e.g. cType2, cCCS2 */
  connectorType?: string;
  /** the electrical supply, to convert A ↔ W in composite schedules */
  supply: ElectricalSupply;
  /** rated power, W (EVSE Power MaxLimit; what "no limit" is for the SECC) */
  maxPowerW: number;
  /** rated discharge power, W ≥ 0 (0: no V2X) */
  maxDischargePowerW?: number;
}

export interface StationConfig {
  /** the identity: last segment of the connection URL, Basic auth user, SecurityCtrlr.Identity */
  id: string;
  /** the CSMS endpoint, ws:// (profile 1) or wss:// (profiles 2, 3); the identity is appended */
  csmsUrl: string;
  version: OcppVersion;
  securityProfile: SecurityProfile;
  /** BasicAuthPassword (2.x, UTF-8) or the 1.6 AuthorizationKey as hex (profiles 1 and 2) */
  password?: string;
  /** profile 2: `ca`; profile 3: `ca`, `cert`, `key` */
  tls?: Pick<TlsConnectionOptions, 'ca' | 'cert' | 'key' | 'servername' | 'passphrase'>;
  vendorName: string;
  model: string;
  serialNumber?: string;
  firmwareVersion?: string;
  evses: StationEvseConfig[];
  /** folder of this station's journal, device model and charging profiles (created if missing) */
  dataDir: string;
  /** add the SCALE customData (vendorId eu.scale-project) to TransactionEvent and NotifyEVChargingNeeds */
  scaleExtension?: boolean;
  /** heartbeat interval until the CSMS gives one, s */
  heartbeatIntervalS?: number;
  /** retry of a Pending/Rejected BootNotification when the CSMS gives interval 0, s */
  bootRetryS?: number;
  /** device-model defaults to override (component.variable → value), e.g. {'SampledDataCtrlr.TxUpdatedInterval': '1'} */
  variables?: Record<string, string>;
  /** reconnect back-off ([J21] §5.4) */
  reconnect?: Partial<BackoffOptions>;
  callTimeoutMs?: number;
  pingIntervalMs?: number;
  /** the station's clock (default Date.now): timestamps of its messages */
  now?: () => number;
}

export class StationConfigError extends Error {
  override readonly name = 'StationConfigError';
}

/** Checks a configuration; throws StationConfigError saying what is wrong. */
export function checkStationConfig(c: StationConfig): void {
  const fail = (msg: string): never => {
    throw new StationConfigError(`station ${c.id}: ${msg}`);
  };
  if (!isValidIdentity(c.id)) fail('the identity must have 1 to 48 characters and no ":"');
  let url: URL;
  try {
    url = new URL(c.csmsUrl);
  } catch {
    return fail(`csmsUrl ${JSON.stringify(c.csmsUrl)} is not a URL`);
  }
  if (c.securityProfile === 1 && url.protocol !== 'ws:') fail('security profile 1 connects over ws://');
  if (c.securityProfile !== 1 && url.protocol !== 'wss:') fail(`security profile ${c.securityProfile} connects over wss://`);
  if (c.securityProfile !== 3 && c.password === undefined) fail(`security profile ${c.securityProfile} needs a password (Basic auth)`);
  if (c.securityProfile === 3 && !(c.tls?.cert && c.tls.key)) fail('security profile 3 needs a client certificate (tls.cert, tls.key)');
  if (c.version === '1.6' && c.password !== undefined && !/^([0-9a-fA-F]{2})+$/.test(c.password)) fail('the 1.6 AuthorizationKey is given as hex');
  // BasicAuthPassword: passwordString, 16 to 40 characters in 2.0.1, up to 64 in 2.1
  const maxPassword = c.version === '2.1' ? 64 : 40;
  if (c.version !== '1.6' && c.password !== undefined && (c.password.length < 16 || c.password.length > maxPassword)) fail(`BasicAuthPassword has 16 to ${maxPassword} characters`);
  if (c.evses.length === 0) fail('a station needs at least one EVSE');
  const ids = new Set<number>();
  for (const e of c.evses) {
    if (!Number.isInteger(e.id) || e.id < 1) fail(`EVSE id ${e.id} must be an integer ≥ 1`);
    if (ids.has(e.id)) fail(`EVSE id ${e.id} is given twice`);
    ids.add(e.id);
    if (!(e.maxPowerW > 0)) fail(`EVSE ${e.id}: maxPowerW must be > 0`);
    if (e.connectors !== undefined && !(Number.isInteger(e.connectors) && e.connectors >= 1)) fail(`EVSE ${e.id}: connectors must be ≥ 1`);
    if (c.version === '1.6' && (e.connectors ?? 1) !== 1) fail('OCPP 1.6 has one connector per EVSE (connectorId = EVSE id)');
  }
}

/**
 * The identity for station number `n` from a pattern: `{n}` is the number, `{n:03}` the number
 * padded with zeros to 3 digits. `CS-{n:03}` → CS-001, CS-002, …
 */
export function stationIdFromPattern(pattern: string, n: number): string {
  if (!/\{n(?::0?\d+)?\}/.test(pattern)) throw new StationConfigError(`id pattern ${JSON.stringify(pattern)} has no {n} or {n:0W}`);
  return pattern.replace(/\{n(?::0?(\d+))?\}/g, (_m, width: string | undefined) => (width ? String(n).padStart(Number(width), '0') : String(n)));
}

/** The 1.6 Basic auth password is the AuthorizationKey's bytes, 2.x the BasicAuthPassword as text. */
export function basicAuthPassword(c: Pick<StationConfig, 'version' | 'password'>): string | Buffer | undefined {
  if (c.password === undefined) return undefined;
  return c.version === '1.6' ? Buffer.from(c.password, 'hex') : c.password;
}
