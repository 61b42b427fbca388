import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { V2G_PROTOCOLS, V2G_TIMING } from '../src/timing/index.js';

const doc = readFileSync(new URL('../../../docs/transport.md', import.meta.url), 'utf8');
const lines = new Set(doc.split('\n').map((line) => line.trim()));
const hasRowStarting = (prefix: string): boolean => [...lines].some((line) => line.startsWith(prefix));

describe('docs/transport.md', () => {
  it('lists every per-message timer with its values', () => {
    const missing: string[] = [];
    for (const protocol of V2G_PROTOCOLS) {
      for (const [name, t] of Object.entries(V2G_TIMING[protocol].messages)) {
        const row = `| ${protocol} | ${name} | ${t.evccTimeoutMs} | ${t.seccPerformanceMs} |`;
        if (!hasRowStarting(row)) missing.push(row);
      }
    }
    expect(missing).toEqual([]);
  });

  it('lists every other timer with its value', () => {
    const missing: string[] = [];
    for (const protocol of [...V2G_PROTOCOLS, 'sdp'] as const) {
      for (const [name, t] of Object.entries(V2G_TIMING[protocol].timers)) {
        const row = `| ${protocol} | ${name} | ${t.value} ${t.unit} | ${t.side} | ${t.kind} |`;
        if (!hasRowStarting(row)) missing.push(row);
      }
    }
    expect(missing).toEqual([]);
  });

  it('lists no timer the table does not have', () => {
    const known = new Set<string>();
    for (const protocol of [...V2G_PROTOCOLS, 'sdp'] as const) {
      const section = V2G_TIMING[protocol];
      for (const name of Object.keys(section.timers)) known.add(`${protocol}/${name}`);
      if ('messages' in section) for (const name of Object.keys(section.messages)) known.add(`${protocol}/${name}`);
    }
    const listed = [...lines]
      .map((line) => /^\| (din|iso2|iso20|sdp) \| (\w+) \|/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => `${m[1]}/${m[2]}`);
    expect(listed.filter((key) => !known.has(key))).toEqual([]);
    expect(listed.length).toBe(known.size);
  });
});
