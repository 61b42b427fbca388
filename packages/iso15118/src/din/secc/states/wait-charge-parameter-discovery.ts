// ChargeParameterDiscovery: check the requested (DC) energy transfer type, hand the EV's needs to
// the EVSE and answer with its limits and, once the EVSE has one, the power schedule.
import type { Din } from '@v2xsim/exi';
import { isDc, num, pv } from '../../physical.js';
import type { DinChargeNeeds } from '../evse-port.js';
import type { SeccState } from '../context.js';
import { dcEvseStatus, failed, saScheduleList } from '../responses.js';

function needsOf(req: Din.ChargeParameterDiscoveryReqType, dc: Din.DC_EVChargeParameterType): DinChargeNeeds {
  return {
    transferMode: req.EVRequestedEnergyTransferType,
    energyRequestWh: num(dc.EVEnergyRequest),
    maxCurrentA: num(dc.EVMaximumCurrentLimit),
    maxVoltageV: num(dc.EVMaximumVoltageLimit),
    maxPowerW: num(dc.EVMaximumPowerLimit),
    soc: dc.DC_EVStatus.EVRESSSOC,
    raw: req,
  };
}

export const waitChargeParameterDiscovery: SeccState = {
  name: 'WaitChargeParameterDiscovery',
  accepts: ['ChargeParameterDiscoveryReq'],
  handle(req, body, ctx) {
    const cpd = body.ChargeParameterDiscoveryReq!;
    const mode = cpd.EVRequestedEnergyTransferType;
    if (!isDc(mode) || !ctx.evse.energyTransferModes.includes(mode) || (ctx.transferMode && ctx.transferMode !== mode)) {
      return { response: failed(req, 'FAILED_WrongEnergyTransferType', ctx), next: null };
    }
    ctx.transferMode = mode;
    const dc = cpd.DC_EVChargeParameter;
    if (!dc) return { response: failed(req, 'FAILED_WrongChargeParameter', ctx), next: null };
    ctx.chargeParameters = cpd;
    const schedule = ctx.evse.schedule(needsOf(cpd, dc));
    const l = ctx.evse.dcLimits();
    const ongoing = schedule === 'Ongoing';
    const res: Din.ChargeParameterDiscoveryResType = {
      ResponseCode: 'OK',
      EVSEProcessing: ongoing ? 'Ongoing' : 'Finished',
      // the schema makes the schedule mandatory: while Ongoing (or if the EVSE has none) a flat one at its max power
      SAScheduleList: saScheduleList(ctx, ongoing || schedule.length === 0 ? [{ startS: 0, pMaxW: l.maxPower }] : schedule),
      DC_EVSEChargeParameter: {
        DC_EVSEStatus: dcEvseStatus(ctx),
        EVSEMaximumCurrentLimit: pv(l.maxCurrent, 'A'),
        EVSEMaximumPowerLimit: pv(l.maxPower, 'W'),
        EVSEMaximumVoltageLimit: pv(l.maxVoltage, 'V'),
        EVSEMinimumCurrentLimit: pv(l.minCurrent, 'A'),
        EVSEMinimumVoltageLimit: pv(l.minVoltage, 'V'),
        ...(l.currentRegulationTolerance !== undefined ? { EVSECurrentRegulationTolerance: pv(l.currentRegulationTolerance, 'A') } : {}),
        EVSEPeakCurrentRipple: pv(l.peakCurrentRipple, 'A'),
        ...(l.energyToBeDelivered !== undefined ? { EVSEEnergyToBeDelivered: pv(l.energyToBeDelivered, 'Wh') } : {}),
      },
    };
    return { response: { ChargeParameterDiscoveryRes: res }, next: ongoing ? 'WaitChargeParameterDiscovery' : 'WaitCableCheck' };
  },
};
