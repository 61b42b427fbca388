// The station's device model (OCPP 2.x Part 1 §4, Part 2 appendix "Standardized Components"):
// the components and variables a CSMS reads and sets with GetVariables / SetVariables and lists
// with GetBaseReport → NotifyReport. Minimal but conformant: the controllers a CSMS needs for
// provisioning, transactions, metering, smart charging and ISO 15118, plus the ChargingStation,
// EVSE and Connector components. OCPP 1.6 configuration keys are views of the same variables
// (configuration16.ts). Pure apart from the change listener; persistence is the station's job.

export type DataType = 'string' | 'decimal' | 'integer' | 'dateTime' | 'boolean' | 'OptionList' | 'SequenceList' | 'MemberList';
export type Mutability = 'ReadOnly' | 'WriteOnly' | 'ReadWrite';
export type AttributeType = 'Actual' | 'Target' | 'MinSet' | 'MaxSet';

export interface ComponentRef {
  name: string;
  instance?: string;
  evse?: { id: number; connectorId?: number };
}

export interface VariableRef {
  name: string;
  instance?: string;
}

export interface VariableDef {
  component: ComponentRef;
  variable: VariableRef;
  dataType: DataType;
  mutability: Mutability;
  unit?: string;
  /** OptionList / MemberList / SequenceList: the allowed values, comma separated */
  valuesList?: string;
  minLimit?: number;
  maxLimit?: number;
  /** the Actual value (a live value is read with `read`) */
  value?: string;
  read?: () => string;
  /** a changed value takes effect after a reboot (SetVariables answers RebootRequired) */
  rebootRequired?: boolean;
  /** not kept across a reboot */
  persistent?: boolean;
}

export type GetVariableStatus = 'Accepted' | 'Rejected' | 'UnknownComponent' | 'UnknownVariable' | 'NotSupportedAttributeType';
export type SetVariableStatus = GetVariableStatus | 'RebootRequired';

export interface GetVariableData {
  attributeType?: AttributeType;
  component: ComponentRef;
  variable: VariableRef;
}

export interface SetVariableData extends GetVariableData {
  attributeValue: string;
}

export interface StatusInfo {
  reasonCode: string;
  additionalInfo?: string;
}

export interface GetVariableResult {
  attributeStatus: GetVariableStatus;
  attributeStatusInfo?: StatusInfo;
  attributeType?: AttributeType;
  attributeValue?: string;
  component: ComponentRef;
  variable: VariableRef;
}

export interface SetVariableResult {
  attributeType?: AttributeType;
  attributeStatus: SetVariableStatus;
  attributeStatusInfo?: StatusInfo;
  component: ComponentRef;
  variable: VariableRef;
}

export interface ReportData {
  component: ComponentRef;
  variable: VariableRef;
  variableAttribute: { type: AttributeType; value?: string; mutability: Mutability; persistent: boolean; constant: boolean }[];
  variableCharacteristics: { unit?: string; dataType: DataType; minLimit?: number; maxLimit?: number; valuesList?: string; supportsMonitoring: boolean };
}

/** Component.Variable keys of the variables the station itself reads. */
export const V = {
  heartbeatInterval: 'OCPPCommCtrlr.HeartbeatInterval',
  messageTimeout: 'OCPPCommCtrlr.MessageTimeout[Default]',
  messageAttempts: 'OCPPCommCtrlr.MessageAttempts[TransactionEvent]',
  messageAttemptInterval: 'OCPPCommCtrlr.MessageAttemptInterval[TransactionEvent]',
  offlineThreshold: 'OCPPCommCtrlr.OfflineThreshold',
  txStartedMeasurands: 'SampledDataCtrlr.TxStartedMeasurands',
  txUpdatedMeasurands: 'SampledDataCtrlr.TxUpdatedMeasurands',
  txUpdatedInterval: 'SampledDataCtrlr.TxUpdatedInterval',
  txEndedMeasurands: 'SampledDataCtrlr.TxEndedMeasurands',
  sampledDataEnabled: 'SampledDataCtrlr.Enabled',
  alignedMeasurands: 'AlignedDataCtrlr.Measurands',
  alignedInterval: 'AlignedDataCtrlr.Interval',
  alignedEnabled: 'AlignedDataCtrlr.Enabled',
  smartChargingEnabled: 'SmartChargingCtrlr.Enabled',
  limitChangeSignificance: 'SmartChargingCtrlr.LimitChangeSignificance',
  profileStackLevel: 'SmartChargingCtrlr.ProfileStackLevel',
  periodsPerSchedule: 'SmartChargingCtrlr.PeriodsPerSchedule',
  rateUnit: 'SmartChargingCtrlr.RateUnit',
  profileEntries: 'SmartChargingCtrlr.Entries[ChargingProfiles]',
  authEnabled: 'AuthCtrlr.Enabled',
  authorizeRemoteStart: 'AuthCtrlr.AuthorizeRemoteStart',
  localAuthorizeOffline: 'AuthCtrlr.LocalAuthorizeOffline',
  offlineTxForUnknownId: 'AuthCtrlr.OfflineTxForUnknownIdEnabled',
  txStartPoint: 'TxCtrlr.TxStartPoint',
  txStopPoint: 'TxCtrlr.TxStopPoint',
  stopTxOnInvalidId: 'TxCtrlr.StopTxOnInvalidId',
  evConnectionTimeOut: 'TxCtrlr.EVConnectionTimeOut',
  scaleEnabled: 'CustomizationCtrlr.CustomImplementationEnabled[eu.scale-project]',
} as const;

/** The key of a station-level or EVSE/connector-level variable: `Comp[inst]@evse.conn.Var[inst]`. */
export function variableKey(component: ComponentRef, variable: VariableRef): string {
  const c = component.name + (component.instance !== undefined ? `[${component.instance}]` : '');
  const at = component.evse ? `@${component.evse.id}${component.evse.connectorId !== undefined ? `.${component.evse.connectorId}` : ''}` : '';
  return `${c}${at}.${variable.name}${variable.instance !== undefined ? `[${variable.instance}]` : ''}`;
}

function sameComponent(a: ComponentRef, b: ComponentRef): boolean {
  return a.name === b.name && a.instance === b.instance && a.evse?.id === b.evse?.id && a.evse?.connectorId === b.evse?.connectorId;
}

/** undefined when `value` fits the variable, else why not. */
export function checkValue(def: VariableDef, value: string): string | undefined {
  const members = (s: string): string[] => (s === '' ? [] : s.split(',').map((x) => x.trim()));
  const allowed = def.valuesList !== undefined ? members(def.valuesList) : undefined;
  switch (def.dataType) {
    case 'integer':
    case 'decimal': {
      if (def.dataType === 'integer' ? !/^-?\d+$/.test(value) : !/^-?\d+(\.\d+)?$/.test(value)) return `not ${def.dataType === 'integer' ? 'an integer' : 'a decimal'}`;
      const n = Number(value);
      if (def.minLimit !== undefined && n < def.minLimit) return `below ${def.minLimit}`;
      if (def.maxLimit !== undefined && n > def.maxLimit) return `above ${def.maxLimit}`;
      return undefined;
    }
    case 'boolean':
      return value === 'true' || value === 'false' ? undefined : 'not true or false';
    case 'dateTime':
      return Number.isFinite(Date.parse(value)) ? undefined : 'not a date-time';
    case 'OptionList':
      return allowed && !allowed.includes(value) ? `not one of ${def.valuesList}` : undefined;
    case 'MemberList':
    case 'SequenceList': {
      const bad = members(value).find((m) => allowed && !allowed.includes(m));
      return bad !== undefined ? `${bad} is not one of ${def.valuesList}` : undefined;
    }
    case 'string':
      return def.maxLimit !== undefined && value.length > def.maxLimit ? `longer than ${def.maxLimit}` : undefined;
    default: {
      const never: never = def.dataType;
      return `unknown data type ${String(never)}`;
    }
  }
}

export type VariableChangeListener = (key: string, value: string) => void;

export class DeviceModel {
  private readonly defs: VariableDef[];
  private readonly byKey = new Map<string, VariableDef>();
  private readonly listeners: VariableChangeListener[] = [];

  constructor(defs: VariableDef[]) {
    this.defs = defs;
    for (const d of defs) this.byKey.set(variableKey(d.component, d.variable), d);
  }

  get variables(): readonly VariableDef[] {
    return this.defs;
  }

  onChange(listener: VariableChangeListener): void {
    this.listeners.push(listener);
  }

  def(key: string): VariableDef | undefined {
    return this.byKey.get(key);
  }

  /** The Actual value of a variable by key (throws for a key the model does not have: a bug). */
  value(key: string): string {
    const d = this.byKey.get(key);
    if (!d) throw new Error(`device model has no ${key}`);
    return d.read ? d.read() : (d.value ?? '');
  }

  int(key: string): number {
    return Number.parseInt(this.value(key), 10) || 0;
  }

  decimal(key: string): number {
    return Number(this.value(key)) || 0;
  }

  bool(key: string): boolean {
    return this.value(key) === 'true';
  }

  list(key: string): string[] {
    const v = this.value(key);
    return v === '' ? [] : v.split(',').map((x) => x.trim());
  }

  /** Sets a value as the station itself would (no mutability check); false when it does not fit. */
  setLocal(key: string, value: string): boolean {
    const d = this.byKey.get(key);
    if (!d || checkValue(d, value) !== undefined) return false;
    this.assign(key, d, value);
    return true;
  }

  /** GetVariables, one entry ([B06]). */
  get(data: GetVariableData): GetVariableResult {
    const attributeType = data.attributeType ?? 'Actual';
    const base = { component: data.component, variable: data.variable, attributeType };
    const found = this.find(data.component, data.variable);
    if (found.status !== 'Accepted') return { ...base, attributeStatus: found.status };
    const d = found.def;
    if (attributeType !== 'Actual') return { ...base, attributeStatus: 'NotSupportedAttributeType' };
    if (d.mutability === 'WriteOnly') return { ...base, attributeStatus: 'Rejected', attributeStatusInfo: { reasonCode: 'WriteOnly', additionalInfo: 'this variable cannot be read' } };
    return { ...base, attributeStatus: 'Accepted', attributeValue: (d.read ? d.read() : (d.value ?? '')).slice(0, 2500) };
  }

  /** SetVariables, one entry ([B05]). */
  set(data: SetVariableData): SetVariableResult {
    const attributeType = data.attributeType ?? 'Actual';
    const base = { component: data.component, variable: data.variable, attributeType };
    const found = this.find(data.component, data.variable);
    if (found.status !== 'Accepted') return { ...base, attributeStatus: found.status };
    const d = found.def;
    if (attributeType !== 'Actual') return { ...base, attributeStatus: 'NotSupportedAttributeType' };
    if (d.mutability === 'ReadOnly') return { ...base, attributeStatus: 'Rejected', attributeStatusInfo: { reasonCode: 'ReadOnly', additionalInfo: 'this variable is read-only' } };
    const problem = checkValue(d, data.attributeValue);
    if (problem) return { ...base, attributeStatus: 'Rejected', attributeStatusInfo: { reasonCode: 'InvalidValue', additionalInfo: problem.slice(0, 512) } };
    this.assign(variableKey(d.component, d.variable), d, data.attributeValue);
    return { ...base, attributeStatus: d.rebootRequired ? 'RebootRequired' : 'Accepted' };
  }

  /** GetBaseReport's content ([B07]): ConfigurationInventory = what can be set, FullInventory = all, SummaryInventory = availability. */
  report(base: 'ConfigurationInventory' | 'FullInventory' | 'SummaryInventory'): ReportData[] {
    const picked = this.defs.filter((d) =>
      base === 'FullInventory' ? true : base === 'ConfigurationInventory' ? d.mutability !== 'ReadOnly' : d.variable.name === 'AvailabilityState',
    );
    return picked.map((d) => {
      const attr: ReportData['variableAttribute'][number] = { type: 'Actual', mutability: d.mutability, persistent: d.persistent ?? true, constant: d.mutability === 'ReadOnly' && !d.read };
      if (d.mutability !== 'WriteOnly') attr.value = (d.read ? d.read() : (d.value ?? '')).slice(0, 2500);
      const ch: ReportData['variableCharacteristics'] = { dataType: d.dataType, supportsMonitoring: false };
      if (d.unit !== undefined) ch.unit = d.unit;
      if (d.minLimit !== undefined) ch.minLimit = d.minLimit;
      if (d.maxLimit !== undefined) ch.maxLimit = d.maxLimit;
      if (d.valuesList !== undefined) ch.valuesList = d.valuesList;
      return { component: d.component, variable: d.variable, variableAttribute: [attr], variableCharacteristics: ch };
    });
  }

  private find(component: ComponentRef, variable: VariableRef): { status: 'Accepted'; def: VariableDef } | { status: 'UnknownComponent' | 'UnknownVariable' } {
    const inComponent = this.defs.filter((d) => sameComponent(d.component, component));
    if (inComponent.length === 0) return { status: 'UnknownComponent' };
    const def = inComponent.find((d) => d.variable.name === variable.name && d.variable.instance === variable.instance);
    return def ? { status: 'Accepted', def } : { status: 'UnknownVariable' };
  }

  private assign(key: string, d: VariableDef, value: string): void {
    d.value = value;
    for (const l of this.listeners) l(key, value);
  }
}
