// TraceHub: the last events for a /trace stream's history (a ring), and every new one to the subscribers.
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '@v2xsim/trace';
import { TraceHub } from '../src/index.js';

const ev = (i: number): TraceEvent => ({ ts: i, actor: 'ev', link: 'ev-evse', protocol: 'iso15118-2', direction: 'tx', message: `M${i}` }) as TraceEvent;
const names = (events: TraceEvent[]): string[] => events.map((e) => e.message);

describe('TraceHub', () => {
  it('keeps the last `capacity` events, oldest first, across many wraps', () => {
    const hub = new TraceHub(3);
    expect(hub.recent(5)).toEqual([]);
    hub.write(ev(1));
    hub.write(ev(2));
    expect(names(hub.recent(5))).toEqual(['M1', 'M2']);
    for (let i = 3; i <= 10; i++) hub.write(ev(i));
    expect(names(hub.recent(5))).toEqual(['M8', 'M9', 'M10']);
    expect(names(hub.recent(2))).toEqual(['M9', 'M10']);
    expect(hub.recent(0)).toEqual([]);
  });

  it('fans every event out to the subscribers until they unsubscribe', () => {
    const hub = new TraceHub();
    const seen: string[] = [];
    const off = hub.subscribe((e) => seen.push(e.message));
    hub.write(ev(1));
    off();
    hub.write(ev(2));
    expect(seen).toEqual(['M1']);
    expect(names(hub.recent(10))).toEqual(['M1', 'M2']);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new TraceHub(0)).toThrow(RangeError);
  });
});
