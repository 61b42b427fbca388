// OCPI DateTime (types.asciidoc): RFC 3339 in UTC; "the absence of the timezone designator implies
// a UTC timestamp", so `2015-06-29T20:39:09` is as valid as `2015-06-29T20:39:09Z`.
const DATE_TIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)?$/i;

export function isOcpiDateTime(s: string): boolean {
  if (!DATE_TIME.test(s)) return false;
  // the calendar day must exist (Date would roll 02-30 over into March)
  const [y, m, d] = s.slice(0, 10).split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d && !Number.isNaN(parseOcpiDateTime(s).getTime());
}

/** Parses an OCPI DateTime; no timezone designator means UTC. */
export function parseOcpiDateTime(s: string): Date {
  return new Date(/(Z|[+-]\d\d:\d\d)$/i.test(s) ? s : `${s}Z`);
}

let nowSecond = Number.NaN;
let nowText = '';

/** Now (or `d`) as an OCPI DateTime: UTC, seconds precision, `Z`. */
export function ocpiNow(d?: Date): string {
  if (d) return `${d.toISOString().slice(0, 19)}Z`;
  // every response's timestamp: the text changes once a second, so it is made once a second
  const second = Math.floor(Date.now() / 1000);
  if (second !== nowSecond) {
    nowText = `${new Date(second * 1000).toISOString().slice(0, 19)}Z`;
    nowSecond = second;
  }
  return nowText;
}
