// The driver's mobility needs (D2.3 §11.1 "Mobility Needs") and the energy requests derived
// from them. ISO 15118-20 and OCPP 2.1 carry energy (Wh) where the driver thinks in SoC, so the
// EV converts with its battery capacity (D2.3 §8.3.3).

import { socToEnergyWh } from './battery.js';

export interface MobilityNeeds {
  /** when the driver leaves, sim time in ms since the epoch; absent = unknown */
  departureTime?: number;
  /** SoC to reach as soon as possible, for an emergency departure, percent. Default 0. */
  minimumSoc?: number;
  /** SoC to reach by the departure time, percent */
  targetSoc: number;
  /** SoC never to exceed (battery wear), percent. Default 100. */
  maximumSoc?: number;
}

/** Needs with defaults filled in. */
export interface ResolvedMobilityNeeds {
  departureTime: number | undefined;
  minimumSoc: number;
  targetSoc: number;
  maximumSoc: number;
}

export function resolveMobilityNeeds(needs: MobilityNeeds): ResolvedMobilityNeeds {
  const resolved: ResolvedMobilityNeeds = {
    departureTime: needs.departureTime,
    minimumSoc: needs.minimumSoc ?? 0,
    targetSoc: needs.targetSoc,
    maximumSoc: needs.maximumSoc ?? 100,
  };
  const { minimumSoc, targetSoc, maximumSoc } = resolved;
  if (!(minimumSoc >= 0 && minimumSoc <= targetSoc && targetSoc <= maximumSoc && maximumSoc <= 100)) {
    throw new RangeError(`mobility needs must satisfy 0 ≤ minimumSoc ≤ targetSoc ≤ maximumSoc ≤ 100, got ${minimumSoc} / ${targetSoc} / ${maximumSoc}`);
  }
  if (resolved.departureTime !== undefined && !Number.isFinite(resolved.departureTime)) {
    throw new RangeError(`departureTime must be a finite sim time, got ${resolved.departureTime}`);
  }
  return resolved;
}

/** The ISO 15118-20 energy requests (ScheduleExchangeReq, AC/DC_ChargeLoopReq), Wh. */
export interface EnergyRequests {
  /** energy to reach targetSoc */
  EVTargetEnergyRequest: number;
  /** energy to reach maximumSoc */
  EVMaximumEnergyRequest: number;
  /** energy to reach minimumSoc */
  EVMinimumEnergyRequest: number;
}

/**
 * Energy from the present SoC to each of the driver's SoC levels. By default a level already
 * passed gives 0 (charging only). With `signed`, it gives the (negative) energy above that
 * level, which ISO 15118-20 bidirectional power transfer allows for EVMinimumEnergyRequest.
 */
export function energyRequests(soc: number, capacityWh: number, needs: ResolvedMobilityNeeds, options: { signed?: boolean } = {}): EnergyRequests {
  const to = (level: number): number => {
    const wh = socToEnergyWh(level - soc, capacityWh);
    return options.signed ? wh : Math.max(0, wh);
  };
  return {
    EVTargetEnergyRequest: to(needs.targetSoc),
    EVMaximumEnergyRequest: to(needs.maximumSoc),
    EVMinimumEnergyRequest: to(needs.minimumSoc),
  };
}
