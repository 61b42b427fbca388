// OCPP 1.6 configuration keys (1.6 §9 "Standard Configuration Key Names & Values", the Smart
// Charging profile keys and the Security Whitepaper's SecurityProfile/AuthorizationKey) as views
// of the device model, so one store serves GetConfiguration/ChangeConfiguration and the station's
// own reads. A key either maps to a variable (with a value conversion where 1.6 spells it
// differently) or is a fixed read-only answer.
import type { DeviceModel } from './device-model.js';
import { V } from './device-model.js';

interface MappedKey {
  key: string;
  variable: string;
  readonly?: boolean;
  /** 1.6 text ↔ device-model text */
  to16?: (v: string) => string;
  from16?: (v: string) => string | undefined;
  /** AuthorizationKey is write-only: never reported */
  hidden?: boolean;
}

interface FixedKey {
  key: string;
  fixed: (dm: DeviceModel) => string;
}

type Key16 = MappedKey | FixedKey;

const UNITS_16: Record<string, string> = { A: 'Current', W: 'Power' };
const unitsTo16 = (v: string): string => v.split(',').map((u) => UNITS_16[u.trim()] ?? u).join(',');

export function configurationKeys16(numberOfConnectors: number): Key16[] {
  return [
    { key: 'AllowOfflineTxForUnknownId', variable: V.offlineTxForUnknownId },
    { key: 'AuthorizationCacheEnabled', fixed: () => 'false' },
    { key: 'AuthorizeRemoteTxRequests', variable: V.authorizeRemoteStart },
    { key: 'ClockAlignedDataInterval', variable: V.alignedInterval },
    { key: 'ConnectionTimeOut', variable: V.evConnectionTimeOut },
    { key: 'GetConfigurationMaxKeys', fixed: () => '100' },
    { key: 'HeartbeatInterval', variable: V.heartbeatInterval },
    { key: 'LocalAuthorizeOffline', variable: V.localAuthorizeOffline },
    { key: 'LocalPreAuthorize', variable: 'AuthCtrlr.LocalPreAuthorize' },
    { key: 'MeterValuesAlignedData', variable: V.alignedMeasurands },
    { key: 'MeterValuesSampledData', variable: V.txUpdatedMeasurands },
    { key: 'MeterValueSampleInterval', variable: V.txUpdatedInterval },
    { key: 'NumberOfConnectors', fixed: () => String(numberOfConnectors) },
    { key: 'ResetRetries', variable: 'OCPPCommCtrlr.ResetRetries' },
    { key: 'ConnectorPhaseRotation', fixed: () => 'NotApplicable' },
    { key: 'StopTransactionOnEVSideDisconnect', variable: 'TxCtrlr.StopTxOnEVSideDisconnect', readonly: true },
    { key: 'StopTransactionOnInvalidId', variable: V.stopTxOnInvalidId },
    { key: 'StopTxnAlignedData', variable: 'AlignedDataCtrlr.TxEndedMeasurands' },
    { key: 'StopTxnSampledData', variable: V.txEndedMeasurands },
    { key: 'SupportedFeatureProfiles', fixed: () => 'Core,SmartCharging,RemoteTrigger' },
    { key: 'TransactionMessageAttempts', variable: V.messageAttempts },
    { key: 'TransactionMessageRetryInterval', variable: V.messageAttemptInterval },
    { key: 'UnlockConnectorOnEVSideDisconnect', variable: 'OCPPCommCtrlr.UnlockOnEVSideDisconnect' },
    { key: 'WebSocketPingInterval', variable: 'OCPPCommCtrlr.WebSocketPingInterval' },
    // Smart Charging profile
    { key: 'ChargeProfileMaxStackLevel', variable: V.profileStackLevel, readonly: true },
    { key: 'ChargingScheduleAllowedChargingRateUnit', variable: V.rateUnit, readonly: true, to16: unitsTo16 },
    { key: 'ChargingScheduleMaxPeriods', variable: V.periodsPerSchedule, readonly: true },
    { key: 'ConnectorSwitch3to1PhaseSupported', variable: 'SmartChargingCtrlr.Phases3to1', readonly: true },
    { key: 'MaxChargingProfilesInstalled', fixed: (dm) => String(dm.def(V.profileEntries)?.maxLimit ?? 100) },
    // Security Whitepaper
    { key: 'SecurityProfile', variable: 'SecurityCtrlr.SecurityProfile', readonly: true },
    { key: 'AuthorizationKey', variable: 'SecurityCtrlr.BasicAuthPassword', hidden: true },
  ];
}

export interface ConfigurationKeyValue {
  key: string;
  readonly: boolean;
  value?: string;
}

const isFixed = (k: Key16): k is FixedKey => 'fixed' in k;

export class Configuration16 {
  private readonly keys: Map<string, Key16>;

  constructor(
    private readonly dm: DeviceModel,
    numberOfConnectors: number,
  ) {
    this.keys = new Map(configurationKeys16(numberOfConnectors).map((k) => [k.key, k]));
  }

  /** GetConfiguration: all keys (without `keys`) or those asked; unknown ones listed apart. */
  get(keys?: readonly string[]): { configurationKey: ConfigurationKeyValue[]; unknownKey: string[] } {
    const asked = keys && keys.length > 0 ? keys : [...this.keys.keys()];
    const configurationKey: ConfigurationKeyValue[] = [];
    const unknownKey: string[] = [];
    for (const name of asked) {
      const k = this.keys.get(name);
      if (!k || (!isFixed(k) && k.hidden && keys === undefined)) {
        if (!k) unknownKey.push(name);
        continue;
      }
      if (isFixed(k)) {
        configurationKey.push({ key: name, readonly: true, value: k.fixed(this.dm) });
        continue;
      }
      const def = this.dm.def(k.variable);
      const readonly = k.readonly ?? def?.mutability === 'ReadOnly';
      if (k.hidden) {
        configurationKey.push({ key: name, readonly });
        continue;
      }
      const value = this.dm.value(k.variable);
      configurationKey.push({ key: name, readonly, value: (k.to16 ? k.to16(value) : value).slice(0, 500) });
    }
    return { configurationKey, unknownKey };
  }

  /** ChangeConfiguration (1.6 §5.3). */
  change(key: string, value: string): 'Accepted' | 'Rejected' | 'RebootRequired' | 'NotSupported' {
    const k = this.keys.get(key);
    if (!k) return 'NotSupported';
    if (isFixed(k) || k.readonly) return 'Rejected';
    const def = this.dm.def(k.variable);
    if (!def || def.mutability === 'ReadOnly') return 'Rejected';
    let v: string | undefined = k.from16 ? k.from16(value) : value;
    // the AuthorizationKey is set as hex (1.6 Security Whitepaper): 16 to 20 bytes
    if (key === 'AuthorizationKey' && !/^([0-9a-fA-F]{2}){16,20}$/.test(value)) v = undefined;
    if (v === undefined || !this.dm.setLocal(k.variable, v)) return 'Rejected';
    return def.rebootRequired ? 'RebootRequired' : 'Accepted';
  }
}
