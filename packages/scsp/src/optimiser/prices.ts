// Day-ahead price files, CSV or JSON: each row a time and a price in currency/kWh that holds
// from that time until the next row, optionally an export (feed-in) price.
//
//   CSV:  time,price[,export_price]            (header optional; '#' starts a comment line)
//         2026-01-01T00:00:00Z,0.231,0.070
//   JSON: [{ "time": "…", "price": 0.231, "export_price": 0.07 }, …]
//         or { "currency": "EUR", "prices": [ … ] }
// Times are ISO 8601 with a zone (Z or ±hh:mm). Rows must be in ascending time order.
import type { PricePoint, PriceSeries } from './types.js';

export class PriceFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PriceFileError';
  }
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function parseTime(v: unknown, where: string): number {
  if (typeof v !== 'string' || !ISO_WITH_ZONE.test(v.trim())) throw new PriceFileError(`${where}: time must be ISO 8601 with a zone (e.g. 2026-01-01T00:00:00Z), got ${JSON.stringify(v)}`);
  const t = Date.parse(v.trim());
  if (!Number.isFinite(t)) throw new PriceFileError(`${where}: not a valid time: ${JSON.stringify(v)}`);
  return t;
}

function parsePrice(v: unknown, where: string, what: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new PriceFileError(`${where}: ${what} must be a number (currency/kWh), got ${JSON.stringify(v)}`);
  return n;
}

function ordered(points: PricePoint[], currency?: string): PriceSeries {
  if (points.length === 0) throw new PriceFileError('no prices in the file');
  for (let i = 1; i < points.length; i++) {
    if (!(points[i].start > points[i - 1].start)) throw new PriceFileError(`row ${i + 1}: times must be in ascending order (${new Date(points[i].start).toISOString()} after ${new Date(points[i - 1].start).toISOString()})`);
  }
  return { points, ...(currency ? { currency } : {}) };
}

export function parsePriceCsv(text: string, currency?: string): PriceSeries {
  const points: PricePoint[] = [];
  const lines = text.split(/\r?\n/);
  let header: string[] | undefined;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const cells = line.split(/[,;]/).map((c) => c.trim());
    const where = `line ${i + 1}`;
    if (!header && points.length === 0 && !/^\d{4}-/.test(cells[0])) {
      header = cells.map((c) => c.toLowerCase());
      if (!header.includes('time') || !header.includes('price')) throw new PriceFileError(`${where}: the header must name the columns time and price (and optionally export_price), got ${line}`);
      return;
    }
    const col = (name: string, fallback: number): string | undefined => (header ? cells[header.indexOf(name)] : cells[fallback]);
    const exportCell = header ? (header.includes('export_price') ? cells[header.indexOf('export_price')] : undefined) : cells[2];
    if (cells.length < 2) throw new PriceFileError(`${where}: expected time,price[,export_price], got ${JSON.stringify(line)}`);
    points.push({
      start: parseTime(col('time', 0), where),
      importPrice: parsePrice(col('price', 1), where, 'price'),
      ...(exportCell !== undefined && exportCell !== '' ? { exportPrice: parsePrice(exportCell, where, 'export_price') } : {}),
    });
  });
  return ordered(points, currency);
}

export function parsePriceJson(text: string): PriceSeries {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new PriceFileError(`not JSON: ${(e as Error).message}`);
  }
  const isObj = typeof doc === 'object' && doc !== null && !Array.isArray(doc);
  const rows = Array.isArray(doc) ? doc : isObj ? (doc as { prices?: unknown }).prices : undefined;
  const currency = isObj ? (doc as { currency?: unknown }).currency : undefined;
  if (!Array.isArray(rows)) throw new PriceFileError('expected a list of { time, price } or { "prices": [ … ] }');
  if (currency !== undefined && (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency))) throw new PriceFileError(`currency must be an ISO 4217 code such as EUR, got ${JSON.stringify(currency)}`);
  const points = rows.map((r: unknown, i): PricePoint => {
    const where = `prices[${i}]`;
    if (typeof r !== 'object' || r === null) throw new PriceFileError(`${where}: expected { time, price }`);
    const o = r as Record<string, unknown>;
    const exp = o.export_price ?? o.exportPrice;
    return { start: parseTime(o.time, where), importPrice: parsePrice(o.price, where, 'price'), ...(exp !== undefined ? { exportPrice: parsePrice(exp, where, 'export_price') } : {}) };
  });
  return ordered(points, currency as string | undefined);
}

/** A price file's text, by its name's extension (.json, else CSV). */
export function parsePriceFile(name: string, text: string, currency?: string): PriceSeries {
  if (name.toLowerCase().endsWith('.json')) {
    const s = parsePriceJson(text);
    return s.currency || !currency ? s : { ...s, currency };
  }
  return parsePriceCsv(text, currency);
}
