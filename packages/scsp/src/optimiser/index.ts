export * from './types.js';
export { buildSlots, checkRequest, priceHorizon } from './slots.js';
export { optimise, OptimiserError, ENERGY_TOLERANCE_WH, type OptimiseOptions } from './optimise.js';
export { parsePriceCsv, parsePriceJson, parsePriceFile, PriceFileError } from './prices.js';
export type { SolveOptions } from './glpk.js';
