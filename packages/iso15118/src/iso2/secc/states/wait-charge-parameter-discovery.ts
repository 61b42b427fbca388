// ChargeParameterDiscovery: check the requested energy transfer mode against what we offered,
// hand the EV's needs to the EVSE and answer with its limits and the power schedule (SAScheduleList).
import type { Iso2 } from '@v2xsim/exi';
import { isAc, num, pv } from '../../physical.js';
import type { EvChargeNeeds } from '../evse-port.js';
import type { SeccContext, SeccState } from '../context.js';
import { signElements } from '../../signature.js';
import { acEvseStatus, dcEvseStatus, failed } from '../responses.js';

function needsOf(req: Iso2.ChargeParameterDiscoveryReqType): EvChargeNeeds {
  const ac = req.AC_EVChargeParameter;
  const dc = req.DC_EVChargeParameter;
  return {
    transferMode: req.RequestedEnergyTransferMode,
    ...((ac?.DepartureTime ?? dc?.DepartureTime) !== undefined ? { departureTimeS: ac?.DepartureTime ?? dc?.DepartureTime } : {}),
    ...(ac ? { energyRequestWh: num(ac.EAmount), maxCurrentA: num(ac.EVMaxCurrent), maxVoltageV: num(ac.EVMaxVoltage) } : {}),
    ...(dc
      ? {
          energyRequestWh: num(dc.EVEnergyRequest),
          maxCurrentA: num(dc.EVMaximumCurrentLimit),
          maxVoltageV: num(dc.EVMaximumVoltageLimit),
          maxPowerW: num(dc.EVMaximumPowerLimit),
          soc: dc.DC_EVStatus.EVRESSSOC,
        }
      : {}),
    raw: req,
  };
}

/** The EVSE's tariff as a SalesTariff: price levels over relative time intervals. */
function salesTariff(ctx: SeccContext): { SalesTariff?: Iso2.SalesTariffType } {
  const t = ctx.evse.salesTariff?.();
  if (!t || t.entries.length === 0) return {};
  const entries = t.entries.slice(0, 1024);
  return {
    SalesTariff: {
      Id: 'id1',
      SalesTariffID: 1,
      ...(t.description ? { SalesTariffDescription: t.description } : {}),
      NumEPriceLevels: t.numEPriceLevels,
      SalesTariffEntry: entries.map((e, i) => ({
        RelativeTimeInterval: i === entries.length - 1 ? { start: e.startS, duration: 86400 - e.startS } : { start: e.startS },
        EPriceLevel: e.ePriceLevel,
      })),
    },
  };
}

function saScheduleList(ctx: SeccContext, entries: { startS: number; durationS?: number; pMaxW: number }[], max: number): Iso2.SAScheduleListType {
  const list = entries.slice(0, Math.max(1, max));
  return {
    SAScheduleTuple: [
      {
        SAScheduleTupleID: ctx.saScheduleTupleId,
        ...salesTariff(ctx),
        PMaxSchedule: {
          PMaxScheduleEntry: list.map((e, i) => ({
            // the last entry carries the duration of the whole schedule
            RelativeTimeInterval: i === list.length - 1 ? { start: e.startS, duration: e.durationS ?? 86400 - e.startS } : { start: e.startS },
            PMax: pv(e.pMaxW, 'W'),
          })),
        },
      },
    ],
  };
}

export const waitChargeParameterDiscovery: SeccState = {
  name: 'WaitChargeParameterDiscovery',
  accepts: ['ChargeParameterDiscoveryReq'],
  handle(req, body, ctx) {
    const cpd = body.ChargeParameterDiscoveryReq!;
    const mode = cpd.RequestedEnergyTransferMode;
    if (ctx.transferMode && ctx.transferMode !== mode) return { response: failed(req, 'FAILED_WrongEnergyTransferMode', ctx), next: null };
    ctx.transferMode = mode;
    if (!ctx.evse.energyTransferModes.includes(mode)) return { response: failed(req, 'FAILED_WrongEnergyTransferMode', ctx), next: null };
    if (isAc(mode) ? !cpd.AC_EVChargeParameter : !cpd.DC_EVChargeParameter) return { response: failed(req, 'FAILED_WrongChargeParameter', ctx), next: null };
    const renegotiation = ctx.renegotiating === true;
    ctx.chargeParameters = cpd;
    const schedule = ctx.evse.schedule(needsOf(cpd));
    const ongoing = schedule === 'Ongoing';
    const evseParameter: Iso2.ChargeParameterDiscoveryResType = isAc(mode)
      ? (() => {
          const l = ctx.evse.acLimits();
          return {
            ResponseCode: 'OK',
            EVSEProcessing: 'Finished',
            AC_EVSEChargeParameter: { AC_EVSEStatus: acEvseStatus(ctx), EVSENominalVoltage: pv(l.nominalVoltage, 'V'), EVSEMaxCurrent: pv(l.maxCurrent, 'A') },
          };
        })()
      : (() => {
          const l = ctx.evse.dcLimits();
          return {
            ResponseCode: 'OK',
            EVSEProcessing: 'Finished',
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
        })();
    if (ongoing) {
      evseParameter.EVSEProcessing = 'Ongoing';
      return { response: { ChargeParameterDiscoveryRes: evseParameter }, next: 'WaitChargeParameterDiscovery' };
    }
    // the SAScheduleList goes before the EVSE charge parameter in the schema; key order is irrelevant
    evseParameter.SAScheduleList = saScheduleList(ctx, schedule, cpd.MaxEntriesSAScheduleTuple ?? 1024);
    ctx.renegotiating = false;
    // under Plug & Charge a sales tariff is signed by the secondary actor
    const tariff = evseParameter.SAScheduleList.SAScheduleTuple[0]!.SalesTariff;
    const signature =
      tariff && ctx.paymentOption === 'Contract' && ctx.pnc?.salesTariffKeyPem
        ? signElements(ctx.codec, [{ id: tariff.Id!, fragment: { SalesTariff: tariff } }], ctx.pnc.salesTariffKeyPem)
        : undefined;
    return {
      ...(signature ? { signature } : {}),
      response: { ChargeParameterDiscoveryRes: evseParameter },
      // after a renegotiation the EV goes straight to PowerDelivery; a DC session first checks the cable
      next: renegotiation || isAc(mode) ? 'WaitPowerDelivery' : 'WaitCableCheck',
    };
  },
};
