// The variables of the station's device model, with their defaults. Names from OCPP 2.0.1 / 2.1
// Part 2 appendix 3 "Standardized Components" (controllers: SecurityCtrlr, OCPPCommCtrlr,
// DeviceDataCtrlr, ClockCtrlr, SampledDataCtrlr, AlignedDataCtrlr, SmartChargingCtrlr, AuthCtrlr,
// TxCtrlr, ISO15118Ctrlr, CustomizationCtrlr; physical: ChargingStation, EVSE, Connector).
import type { OcppVersion } from '@v2xsim/ocpp';
import type { StationConfig } from './config.js';
import type { VariableDef } from './device-model.js';

/** Measurands the station can sample (MeasurandEnumType values present in every version it speaks). */
export const MEASURANDS_16_201 = ['Energy.Active.Import.Register', 'Energy.Active.Export.Register', 'Power.Active.Import', 'Power.Active.Export', 'Power.Offered', 'SoC'] as const;
/** 2.1 adds the EV's energy requests ([P2-21] MeasurandEnumType). */
export const MEASURANDS_21 = [...MEASURANDS_16_201, 'EnergyRequest.Target', 'EnergyRequest.Minimum', 'EnergyRequest.Maximum', 'EnergyRequest.Minimum.V2X', 'EnergyRequest.Maximum.V2X'] as const;

export function measurandsOf(version: OcppVersion): readonly string[] {
  return version === '2.1' ? MEASURANDS_21 : MEASURANDS_16_201;
}

export const TX_POINTS = 'ParkingBayOccupancy,EVConnected,Authorized,DataSigned,PowerPathClosed,EnergyTransfer';

/** What the device model reads live from the station. */
export interface LiveValues {
  now(): number;
  /** W, an EVSE's (or, without evseId, the station's) present power */
  powerW(evseId?: number): number;
  /** AvailabilityState of the station, an EVSE or a connector */
  availability(evseId?: number, connectorId?: number): string;
  /** installed charging profiles */
  profileCount(): number;
}

const station = (name: string, instance?: string) => ({ name, ...(instance !== undefined ? { instance } : {}) });

export function defaultVariables(config: StationConfig, live: LiveValues): VariableDef[] {
  const v = config.version;
  const rw = (component: string, variable: string, dataType: VariableDef['dataType'], value: string, extra: Partial<VariableDef> = {}, variableInstance?: string): VariableDef => ({
    component: station(component),
    variable: { name: variable, ...(variableInstance !== undefined ? { instance: variableInstance } : {}) },
    dataType,
    mutability: 'ReadWrite',
    value,
    ...extra,
  });
  const ro = (component: string, variable: string, dataType: VariableDef['dataType'], value: string, extra: Partial<VariableDef> = {}, variableInstance?: string): VariableDef =>
    rw(component, variable, dataType, value, { mutability: 'ReadOnly', ...extra }, variableInstance);
  const measurands = measurandsOf(v).join(',');
  const backoff = config.reconnect ?? {};
  const defs: VariableDef[] = [
    // A: security
    ro('SecurityCtrlr', 'Identity', 'string', config.id, { maxLimit: 48 }),
    ro('SecurityCtrlr', 'SecurityProfile', 'integer', String(config.securityProfile), { minLimit: 1, maxLimit: 3 }),
    rw('SecurityCtrlr', 'BasicAuthPassword', 'string', config.password ?? '', { mutability: 'WriteOnly', rebootRequired: true, maxLimit: v === '2.1' ? 64 : 40 }),
    rw('SecurityCtrlr', 'OrganizationName', 'string', config.vendorName),
    ro('SecurityCtrlr', 'CertificateEntries', 'integer', '0'),
    // B: provisioning and communication
    rw('OCPPCommCtrlr', 'HeartbeatInterval', 'integer', String(config.heartbeatIntervalS ?? 300), { unit: 's', minLimit: 1 }),
    rw('OCPPCommCtrlr', 'MessageTimeout', 'integer', String(Math.round((config.callTimeoutMs ?? 30_000) / 1000)), { unit: 's', minLimit: 1, rebootRequired: true }, 'Default'),
    rw('OCPPCommCtrlr', 'MessageAttempts', 'integer', '3', { minLimit: 0 }, 'TransactionEvent'),
    rw('OCPPCommCtrlr', 'MessageAttemptInterval', 'integer', '10', { unit: 's', minLimit: 0 }, 'TransactionEvent'),
    rw('OCPPCommCtrlr', 'OfflineThreshold', 'integer', '60', { unit: 's', minLimit: 0 }),
    rw('OCPPCommCtrlr', 'NetworkConfigurationPriority', 'SequenceList', '0', { valuesList: '0', rebootRequired: true }),
    rw('OCPPCommCtrlr', 'NetworkProfileConnectionAttempts', 'integer', '3', { minLimit: 1 }),
    rw('OCPPCommCtrlr', 'ResetRetries', 'integer', '2', { minLimit: 0 }),
    rw('OCPPCommCtrlr', 'RetryBackOffRepeatTimes', 'integer', String(backoff.repeatTimes ?? 5), { minLimit: 0, rebootRequired: true }),
    rw('OCPPCommCtrlr', 'RetryBackOffRandomRange', 'integer', String(Math.round((backoff.randomRangeMs ?? 2000) / 1000)), { unit: 's', minLimit: 0, rebootRequired: true }),
    rw('OCPPCommCtrlr', 'RetryBackOffWaitMinimum', 'integer', String(Math.round((backoff.waitMinimumMs ?? 3000) / 1000)), { unit: 's', minLimit: 0, rebootRequired: true }),
    rw('OCPPCommCtrlr', 'WebSocketPingInterval', 'integer', String(Math.round((config.pingIntervalMs ?? 30_000) / 1000)), { unit: 's', minLimit: 0, rebootRequired: true }),
    rw('OCPPCommCtrlr', 'UnlockOnEVSideDisconnect', 'boolean', 'true'),
    ro('OCPPCommCtrlr', 'QueueAllMessages', 'boolean', 'false'),
    ro('DeviceDataCtrlr', 'ItemsPerMessage', 'integer', '100', {}, 'GetReport'),
    ro('DeviceDataCtrlr', 'ItemsPerMessage', 'integer', '50', {}, 'GetVariables'),
    ro('DeviceDataCtrlr', 'ItemsPerMessage', 'integer', '50', {}, 'SetVariables'),
    ro('DeviceDataCtrlr', 'BytesPerMessage', 'integer', '65000', {}, 'GetReport'),
    ro('DeviceDataCtrlr', 'BytesPerMessage', 'integer', '65000', {}, 'GetVariables'),
    ro('DeviceDataCtrlr', 'BytesPerMessage', 'integer', '65000', {}, 'SetVariables'),
    ro('ClockCtrlr', 'DateTime', 'dateTime', '', { read: () => new Date(live.now()).toISOString(), persistent: false }),
    rw('ClockCtrlr', 'TimeSource', 'SequenceList', 'Heartbeat', { valuesList: 'Heartbeat,NTP,GPS,RealTimeClock,MobileNetwork,RadioTimeTransmitter' }),
    // J: metering
    rw('SampledDataCtrlr', 'Enabled', 'boolean', 'true'),
    rw('SampledDataCtrlr', 'TxStartedMeasurands', 'MemberList', 'Energy.Active.Import.Register', { valuesList: measurands }),
    rw(
      'SampledDataCtrlr',
      'TxUpdatedMeasurands',
      'MemberList',
      ['Energy.Active.Import.Register', 'Energy.Active.Export.Register', 'Power.Active.Import', 'SoC', ...(v === '2.1' ? ['EnergyRequest.Target', 'EnergyRequest.Minimum', 'EnergyRequest.Maximum'] : [])].join(','),
      { valuesList: measurands },
    ),
    rw('SampledDataCtrlr', 'TxUpdatedInterval', 'integer', '60', { unit: 's', minLimit: 0 }),
    rw('SampledDataCtrlr', 'TxEndedMeasurands', 'MemberList', 'Energy.Active.Import.Register,Energy.Active.Export.Register', { valuesList: measurands }),
    rw('SampledDataCtrlr', 'TxEndedInterval', 'integer', '0', { unit: 's', minLimit: 0 }),
    rw('AlignedDataCtrlr', 'Enabled', 'boolean', 'true'),
    rw('AlignedDataCtrlr', 'Measurands', 'MemberList', 'Energy.Active.Import.Register,Energy.Active.Export.Register', { valuesList: measurands }),
    rw('AlignedDataCtrlr', 'Interval', 'integer', '0', { unit: 's', minLimit: 0 }),
    rw('AlignedDataCtrlr', 'TxEndedMeasurands', 'MemberList', '', { valuesList: measurands }),
    rw('AlignedDataCtrlr', 'TxEndedInterval', 'integer', '0', { unit: 's', minLimit: 0 }),
    // K: smart charging
    rw('SmartChargingCtrlr', 'Enabled', 'boolean', 'true'),
    ro('SmartChargingCtrlr', 'Available', 'boolean', 'true'),
    ro('SmartChargingCtrlr', 'Entries', 'integer', '0', { read: () => String(live.profileCount()), maxLimit: 100, persistent: false }, 'ChargingProfiles'),
    rw('SmartChargingCtrlr', 'LimitChangeSignificance', 'decimal', '1.0', { unit: 'Percent', minLimit: 0, maxLimit: 100 }),
    ro('SmartChargingCtrlr', 'PeriodsPerSchedule', 'integer', '24'),
    ro('SmartChargingCtrlr', 'ProfileStackLevel', 'integer', '10'),
    ro('SmartChargingCtrlr', 'RateUnit', 'MemberList', 'A,W', { valuesList: 'A,W' }),
    rw('SmartChargingCtrlr', 'ExternalControlSignalsEnabled', 'boolean', 'false'),
    rw('SmartChargingCtrlr', 'NotifyChargingLimitWithSchedules', 'boolean', 'false'),
    ro('SmartChargingCtrlr', 'Phases3to1', 'boolean', 'false'),
    ro('SmartChargingCtrlr', 'ACPhaseSwitchingSupported', 'boolean', 'false'),
    ...(v === '2.1'
      ? [
          ro('SmartChargingCtrlr', 'SupportedAdditionalPurposes', 'MemberList', 'PriorityCharging', { valuesList: 'PriorityCharging,LocalGeneration' }),
          ro('SmartChargingCtrlr', 'SupportsDynamicProfiles', 'boolean', 'true'),
        ]
      : []),
    // C: authorization
    rw('AuthCtrlr', 'Enabled', 'boolean', 'true'),
    rw('AuthCtrlr', 'AuthorizeRemoteStart', 'boolean', 'false'),
    rw('AuthCtrlr', 'LocalAuthorizeOffline', 'boolean', 'true'),
    rw('AuthCtrlr', 'LocalPreAuthorize', 'boolean', 'false'),
    rw('AuthCtrlr', 'OfflineTxForUnknownIdEnabled', 'boolean', 'false'),
    rw('AuthCtrlr', 'DisableRemoteAuthorization', 'boolean', 'false'),
    // E: transactions
    rw('TxCtrlr', 'EVConnectionTimeOut', 'integer', '60', { unit: 's', minLimit: 0 }),
    ro('TxCtrlr', 'StopTxOnEVSideDisconnect', 'boolean', 'true'),
    rw('TxCtrlr', 'StopTxOnInvalidId', 'boolean', 'true'),
    rw('TxCtrlr', 'TxStartPoint', 'MemberList', 'EVConnected,Authorized', { valuesList: TX_POINTS }),
    rw('TxCtrlr', 'TxStopPoint', 'MemberList', 'EVConnected,Authorized', { valuesList: TX_POINTS }),
    // ISO 15118
    rw('ISO15118Ctrlr', 'SeccId', 'string', config.id),
    rw('ISO15118Ctrlr', 'PnCEnabled', 'boolean', 'false'),
    rw('ISO15118Ctrlr', 'CentralContractValidationAllowed', 'boolean', 'false'),
    rw('ISO15118Ctrlr', 'ContractValidationOffline', 'boolean', 'false'),
    rw('ISO15118Ctrlr', 'V2GCertificateInstallationEnabled', 'boolean', 'false'),
    rw('ISO15118Ctrlr', 'ContractCertificateInstallationEnabled', 'boolean', 'false'),
    // the SCALE extension (D2.3 §9.3, §9.4) is a custom implementation named by its vendorId
    rw('CustomizationCtrlr', 'CustomImplementationEnabled', 'boolean', String(config.scaleExtension ?? false), {}, 'eu.scale-project'),
    // physical components
    ro('ChargingStation', 'Available', 'boolean', 'true'),
    ro('ChargingStation', 'AvailabilityState', 'OptionList', '', { read: () => live.availability(), valuesList: 'Available,Occupied,Reserved,Unavailable,Faulted', persistent: false }),
    ro('ChargingStation', 'Power', 'decimal', '', { read: () => String(Math.round(live.powerW())), unit: 'W', maxLimit: config.evses.reduce((t, e) => t + e.maxPowerW, 0), persistent: false }),
    ro('ChargingStation', 'SupplyPhases', 'integer', String(Math.max(0, ...config.evses.map((e) => (e.supply.kind === 'AC' ? (e.supply.phases ?? 3) : 0))))),
  ];
  for (const e of config.evses) {
    const evse = { name: 'EVSE', evse: { id: e.id } };
    const phases = String(e.supply.kind === 'AC' ? (e.supply.phases ?? 3) : 0);
    defs.push(
      { component: evse, variable: { name: 'Available' }, dataType: 'boolean', mutability: 'ReadOnly', value: 'true' },
      { component: evse, variable: { name: 'AvailabilityState' }, dataType: 'OptionList', mutability: 'ReadOnly', read: () => live.availability(e.id), valuesList: 'Available,Occupied,Reserved,Unavailable,Faulted', persistent: false },
      { component: evse, variable: { name: 'Power' }, dataType: 'decimal', mutability: 'ReadOnly', read: () => String(Math.round(live.powerW(e.id))), unit: 'W', maxLimit: e.maxPowerW, persistent: false },
      { component: evse, variable: { name: 'SupplyPhases' }, dataType: 'integer', mutability: 'ReadOnly', value: phases },
    );
    for (let c = 1; c <= (e.connectors ?? 1); c++) {
      const connector = { name: 'Connector', evse: { id: e.id, connectorId: c } };
      defs.push(
        { component: connector, variable: { name: 'Available' }, dataType: 'boolean', mutability: 'ReadOnly', value: 'true' },
        { component: connector, variable: { name: 'AvailabilityState' }, dataType: 'OptionList', mutability: 'ReadOnly', read: () => live.availability(e.id, c), valuesList: 'Available,Occupied,Reserved,Unavailable,Faulted', persistent: false },
        { component: connector, variable: { name: 'ConnectorType' }, dataType: 'string', mutability: 'ReadOnly', value: e.connectorType ?? (e.supply.kind === 'DC' ? 'cCCS2' : 'cType2') },
        { component: connector, variable: { name: 'SupplyPhases' }, dataType: 'integer', mutability: 'ReadOnly', value: phases },
      );
    }
  }
  return defs;
}
