// ISO 15118 → OCPP (SCALE D2.3 §11.3): what the EV said in ChargeParameterDiscovery /
// ScheduleExchange becomes NotifyEVChargingNeedsRequest. 2.0.1: acChargingParameters or
// dcChargingParameters and departureTime; 2.1 adds v2xChargingParameters, controlMode,
// mobilityNeedsMode and the BPT energy transfers (Q01). With the SCALE extension the fields OCPP
// lacks travel as customData (vendorId eu.scale-project): 2.0.1 ac/dcChargingParameters
// {evMinPower, evMaxPower (AC), evMinEnergyAmount, evMaxEnergyAmount, minSoC, targetSoC}
// (§9.3, appendix 13.3), 2.1 v2xChargingParameters {v2xStateOfHealth (Wh), roundTripEfficiency
// (%)} (§9.4, appendix 13.4). The customData is allowed by the OCA schemas, so a standard CSMS
// accepts the same messages.
import { dictionary } from '@v2xsim/trace';
import type { ElectricalSupply } from '@v2xsim/ocpp';
import type { EnergyTransfer, EvChargingNeeds } from './ports.js';

export const SCALE_VENDOR_ID = dictionary.SCALE_OCPP_VENDOR_ID;

type Obj = Record<string, unknown>;

/** Keeps the defined entries (OCPP wants empty optional fields omitted, [J21] §4.1). */
function defined(o: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && !(typeof v === 'number' && !Number.isFinite(v))) out[k] = v;
  return out;
}

const int = (v: number | undefined): number | undefined => (v === undefined ? undefined : Math.round(v));
const pct = (v: number | undefined): number | undefined => (v === undefined ? undefined : Math.max(0, Math.min(100, Math.round(v))));

/** 2.0.1 has no BPT modes: a bidirectional EV is reported by its AC/DC base (V2X needs 2.1, D2.3 §10.2). */
export function requestedEnergyTransfer(version: '2.0.1' | '2.1', t: EnergyTransfer, supply?: ElectricalSupply): string {
  if (version === '2.1') return t;
  if (t === 'DC_BPT') return 'DC';
  if (t === 'AC_BPT') return supply?.kind === 'AC' && supply.phases === 1 ? 'AC_single_phase' : supply?.kind === 'AC' && supply.phases === 2 ? 'AC_two_phase' : 'AC_three_phase';
  return t;
}

const isAc = (t: EnergyTransfer): boolean => t.startsWith('AC_');

export interface ChargingNeedsOptions {
  version: '2.0.1' | '2.1';
  evseId: number;
  scale: boolean;
  /** the EVSE's supply: AC currents are derived from powers with its voltage and phases */
  supply: ElectricalSupply;
  /** epoch ms, 2.1 timestamp */
  now: number;
}

/** NotifyEVChargingNeedsRequest for `needs`. */
export function notifyEVChargingNeedsRequest(needs: EvChargingNeeds, o: ChargingNeedsOptions): Obj {
  const ac = isAc(needs.energyTransfer);
  const scaleData = (extra: Obj): Obj | undefined => {
    if (!o.scale) return undefined;
    const d = defined(extra);
    return Object.keys(d).length > 0 ? { vendorId: SCALE_VENDOR_ID, ...d } : undefined;
  };
  // D2.3 §9.3: what 2.0.1 lacks (2.1 carries it in v2xChargingParameters instead)
  const scale201 = (withAcMax: boolean): Obj | undefined =>
    o.version === '2.0.1'
      ? scaleData({
          evMinPower: int(needs.minChargePowerW),
          evMaxPower: withAcMax ? int(needs.maxChargePowerW) : undefined,
          evMinEnergyAmount: int(needs.minEnergyWh),
          evMaxEnergyAmount: int(needs.maxEnergyWh),
          minSoC: pct(needs.minSoc),
          targetSoC: pct(needs.targetSoc),
        })
      : undefined;

  const chargingNeeds: Obj = { requestedEnergyTransfer: requestedEnergyTransfer(o.version, needs.energyTransfer, o.supply) };
  const voltage = o.supply.kind === 'AC' ? (o.supply.voltage ?? 230) : o.supply.voltage;
  const phases = o.supply.kind === 'AC' ? (needs.energyTransfer === 'AC_single_phase' ? 1 : needs.energyTransfer === 'AC_two_phase' ? 2 : (o.supply.phases ?? 3)) : 1;
  const perPhaseA = (w: number | undefined): number | undefined => (w === undefined ? undefined : w / (voltage * phases));

  if (ac) {
    // ACChargingParametersType: energyAmount, evMinCurrent, evMaxCurrent, evMaxVoltage are required
    const energyAmount = needs.energyAmountWh ?? needs.maxEnergyWh;
    const evMaxCurrent = needs.maxCurrentA ?? perPhaseA(needs.maxChargePowerW);
    const evMinCurrent = needs.minCurrentA ?? perPhaseA(needs.minChargePowerW) ?? 0;
    const evMaxVoltage = needs.maxVoltageV ?? (o.supply.kind === 'AC' ? voltage : undefined);
    if (energyAmount !== undefined && evMaxCurrent !== undefined && evMaxVoltage !== undefined) {
      chargingNeeds.acChargingParameters = defined({
        energyAmount: int(energyAmount),
        evMinCurrent: int(evMinCurrent),
        evMaxCurrent: int(evMaxCurrent),
        evMaxVoltage: int(evMaxVoltage),
        customData: scale201(true),
      });
    }
  } else {
    // DCChargingParametersType: evMaxCurrent and evMaxVoltage are required
    const evMaxVoltage = needs.maxVoltageV;
    const evMaxCurrent = needs.maxCurrentA ?? (needs.maxChargePowerW !== undefined && evMaxVoltage ? needs.maxChargePowerW / evMaxVoltage : undefined);
    if (evMaxCurrent !== undefined && evMaxVoltage !== undefined) {
      chargingNeeds.dcChargingParameters = defined({
        evMaxCurrent: int(evMaxCurrent),
        evMaxVoltage: int(evMaxVoltage),
        energyAmount: int(needs.energyAmountWh),
        evMaxPower: int(needs.maxChargePowerW),
        stateOfCharge: pct(needs.soc),
        evEnergyCapacity: int(needs.batteryCapacityWh),
        fullSoC: pct(needs.maxSoc),
        bulkSoC: pct(needs.bulkSoc),
        customData: scale201(false),
      });
    }
  }

  if (o.version === '2.1') {
    const v2x = defined({
      minChargePower: needs.minChargePowerW,
      maxChargePower: needs.maxChargePowerW,
      minDischargePower: needs.minDischargePowerW,
      maxDischargePower: needs.maxDischargePowerW,
      minChargeCurrent: needs.minCurrentA,
      maxChargeCurrent: needs.maxCurrentA,
      minDischargeCurrent: needs.minDischargeCurrentA,
      maxDischargeCurrent: needs.maxDischargeCurrentA,
      minVoltage: needs.minVoltageV,
      maxVoltage: needs.maxVoltageV,
      evTargetEnergyRequest: needs.energyAmountWh,
      evMinEnergyRequest: needs.minEnergyWh,
      evMaxEnergyRequest: needs.maxEnergyWh,
      evMinV2XEnergyRequest: needs.minV2XEnergyWh,
      evMaxV2XEnergyRequest: needs.maxV2XEnergyWh,
      targetSoC: pct(needs.targetSoc),
      // D2.3 §9.4: V2X state of health in Wh, round-trip efficiency in %
      customData: scaleData({
        v2xStateOfHealth: needs.remainingV2XEnergyWh,
        roundTripEfficiency: needs.roundTripEfficiency === undefined ? undefined : Math.round(needs.roundTripEfficiency * 1000) / 10,
      }),
    });
    if (Object.keys(v2x).length > 0) chargingNeeds.v2xChargingParameters = v2x;
    if (needs.availableEnergyTransfer && needs.availableEnergyTransfer.length > 0) chargingNeeds.availableEnergyTransfer = [...needs.availableEnergyTransfer];
    if (needs.controlMode) chargingNeeds.controlMode = needs.controlMode === 'Dynamic' ? 'DynamicControl' : 'ScheduledControl';
    if (needs.mobilityNeedsMode) chargingNeeds.mobilityNeedsMode = needs.mobilityNeedsMode;
  }
  if (needs.departureTime !== undefined) chargingNeeds.departureTime = new Date(needs.departureTime).toISOString();

  return defined({
    evseId: o.evseId,
    maxScheduleTuples: needs.maxScheduleTuples,
    chargingNeeds,
    timestamp: o.version === '2.1' ? new Date(o.now).toISOString() : undefined,
  });
}
