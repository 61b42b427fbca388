import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CableError,
  INITIAL_CABLE_STATE,
  LineSplitter,
  PP_RESISTANCE_OHM,
  allowedCurrent,
  applyCableChange,
  cableCurrentFromResistance,
  cpLevels,
  cpSubState,
  currentToDuty,
  dutyToCurrent,
  encodeCableMessage,
  interpretDuty,
  parseEvLine,
  parseEvseLine,
  resolveCpState,
} from '../src/cable/index.js';
import type { CableChange, CableEvent, CableState } from '../src/cable/index.js';

describe('duty cycle ↔ current (IEC 61851-1 Annex A)', () => {
  it('converts duty cycles to currents in every band', () => {
    expect(dutyToCurrent(10)).toBe(6);
    expect(dutyToCurrent(16)).toBe(9.6);
    expect(dutyToCurrent(50)).toBe(30);
    expect(dutyToCurrent(53.3)).toBe(31.98);
    expect(dutyToCurrent(85)).toBe(51);
    expect(dutyToCurrent(86)).toBe(55);
    expect(dutyToCurrent(90)).toBe(65);
    expect(dutyToCurrent(96)).toBe(80);
    expect(dutyToCurrent(8)).toBe(6);
    expect(dutyToCurrent(9.9)).toBe(6);
    expect(dutyToCurrent(97)).toBe(80);
    for (const duty of [0, 2, 5, 7, 7.5, 97.5, 100]) expect(dutyToCurrent(duty)).toBeUndefined();
  });

  it('converts currents to duty cycles, never signalling more than asked', () => {
    expect(currentToDuty(6)).toBe(10);
    expect(currentToDuty(30)).toBe(50);
    expect(currentToDuty(32)).toBeCloseTo(53.333, 3);
    expect(currentToDuty(51)).toBeCloseTo(85, 9);
    expect(currentToDuty(52)).toBe(85); // 51–52.5 A is not encodable: 85 % = 51 A
    expect(currentToDuty(52.5)).toBe(85);
    expect(currentToDuty(55)).toBe(86);
    expect(currentToDuty(63)).toBeCloseTo(89.2, 9);
    expect(currentToDuty(80)).toBe(96);
    expect(currentToDuty(125)).toBe(96);
    expect(() => currentToDuty(5.9)).toThrow(RangeError);
    expect(() => currentToDuty(Number.NaN)).toThrow(RangeError);
  });

  it('round-trips every encodable current to the milliampere', () => {
    const encodable = fc.oneof(fc.double({ min: 6, max: 51, noNaN: true }), fc.double({ min: 52.500001, max: 80, noNaN: true }));
    fc.assert(
      fc.property(encodable, (amps) => {
        const back = dutyToCurrent(currentToDuty(amps))!;
        expect(Math.abs(back - amps)).toBeLessThanOrEqual(0.0005);
      }),
    );
  });

  it('interprets the EVSE duty cycle for the EV', () => {
    expect(interpretDuty(null)).toEqual({ kind: 'off' });
    expect(interpretDuty(100)).toEqual({ kind: 'off' });
    expect(interpretDuty(5)).toEqual({ kind: 'digital' });
    expect(interpretDuty(50)).toEqual({ kind: 'current', currentA: 30 });
    expect(interpretDuty(2)).toEqual({ kind: 'not-allowed' });
    expect(interpretDuty(7.5)).toEqual({ kind: 'not-allowed' });
    expect(allowedCurrent(90, 32)).toBe(32);
    expect(allowedCurrent(25, 32)).toBe(15);
    expect(allowedCurrent(5, 63)).toBe(0);
    expect(allowedCurrent(null, 63)).toBe(0);
  });
});

describe('CP states and PP', () => {
  it('names the sub-states and levels', () => {
    expect(cpSubState('B', null)).toBe('B1');
    expect(cpSubState('B', 5)).toBe('B2');
    expect(cpSubState('C', 50)).toBe('C2');
    expect(cpSubState('F', null)).toBe('F');
    expect(cpLevels('A', null)).toEqual({ high: 12, low: 12 });
    expect(cpLevels('B', 5)).toEqual({ high: 9, low: -12 });
    expect(cpLevels('C', 5)).toEqual({ high: 6, low: -12 });
    expect(cpLevels('D', 5)).toEqual({ high: 3, low: -12 });
    expect(cpLevels('E', null)).toEqual({ high: 0, low: 0 });
    expect(cpLevels('F', null)).toEqual({ high: -12, low: -12 });
  });

  it('codes the cable rating in the PP resistor', () => {
    expect(PP_RESISTANCE_OHM).toEqual({ 13: 1500, 20: 680, 32: 220, 63: 100 });
    expect(cableCurrentFromResistance(220)).toBe(32);
    expect(cableCurrentFromResistance(330)).toBeUndefined();
  });

  it('resolves the CP state the EVSE measures', () => {
    expect(resolveCpState({ plugged: false, ev: 'C', evseFault: false })).toBe('A');
    expect(resolveCpState({ plugged: true, ev: 'C', evseFault: false })).toBe('C');
    expect(resolveCpState({ plugged: true, ev: 'C', evseFault: true })).toBe('F');
    expect(resolveCpState({ plugged: false, ev: 'B', evseFault: true })).toBe('F');
  });
});

describe('applyCableChange', () => {
  function run(changes: CableChange[]): { state: CableState; events: CableEvent[] } {
    let state = INITIAL_CABLE_STATE;
    const events: CableEvent[] = [];
    changes.forEach((change, i) => {
      const result = applyCableChange(state, change, { n: i + 1, t: 1000 + i, by: 'ev' });
      state = result.state;
      events.push(...result.events);
    });
    return { state, events };
  }
  const brief = (e: CableEvent): string =>
    e.type === 'cp' ? `${e.n}:cp ${e.previous}→${e.state}` : e.type === 'pwm' ? `${e.n}:pwm ${e.previous}→${e.duty}` : `${e.n}:${e.type}`;

  it('derives the events of a whole session', () => {
    const { state, events } = run([
      { type: 'plug', cableCurrentA: 32, state: 'B' },
      { type: 'pwm', duty: 5 },
      { type: 'ev-cp', state: 'C' },
      { type: 'ev-cp', state: 'C' }, // again: no event
      { type: 'ev-cp', state: 'B' },
      { type: 'pwm', duty: null },
      { type: 'unplug', reason: 'unplug' },
    ]);
    expect(events.map(brief)).toEqual([
      '1:plugged',
      '1:cp A→B',
      '2:pwm null→5',
      '3:cp B→C',
      '5:cp C→B',
      '6:pwm 5→null',
      '7:unplugged',
      '7:cp B→A',
    ]);
    expect(state).toEqual(INITIAL_CABLE_STATE);
  });

  it('models state F: it takes the PWM off and the next PWM clears it', () => {
    const { events } = run([
      { type: 'plug', cableCurrentA: 20, state: 'B' },
      { type: 'pwm', duty: 5 },
      { type: 'fault' },
      { type: 'pwm', duty: 5 },
    ]);
    expect(events.map(brief)).toEqual(['1:plugged', '1:cp A→B', '2:pwm null→5', '3:pwm 5→null', '3:cp B→F', '4:pwm null→5', '4:cp F→B']);
  });

  it('refuses changes that make no sense', () => {
    expect(() => applyCableChange(INITIAL_CABLE_STATE, { type: 'ev-cp', state: 'C' }, { n: 1, t: 0, by: 'ev' })).toThrow(CableError);
    expect(() => applyCableChange(INITIAL_CABLE_STATE, { type: 'unplug', reason: 'unplug' }, { n: 1, t: 0, by: 'ev' })).toThrow(
      /not plugged/,
    );
    const plugged = applyCableChange(INITIAL_CABLE_STATE, { type: 'plug', cableCurrentA: 13, state: 'B' }, { n: 1, t: 0, by: 'ev' }).state;
    expect(() => applyCableChange(plugged, { type: 'plug', cableCurrentA: 13, state: 'B' }, { n: 2, t: 0, by: 'ev' })).toThrow(
      /already plugged/,
    );
  });
});

describe('wire format', () => {
  it('encodes one message per line and parses it back', () => {
    const line = encodeCableMessage({ type: 'cp', seq: 3, t: 1718000000123.456, state: 'C' });
    expect(line).toBe('{"type":"cp","seq":3,"t":1718000000123.456,"state":"C"}\n');
    expect(parseEvLine(line.trim())).toEqual({ type: 'cp', seq: 3, t: 1718000000123.456, state: 'C' });
    expect(parseEvseLine('{"type":"pwm","n":2,"t":1.5,"duty":null,"extra":1}')).toEqual({ type: 'pwm', n: 2, t: 1.5, duty: null });
    expect(parseEvseLine('{"type":"ack","seq":1,"n":1,"t":2,"duty":5,"fault":false}')).toEqual({
      type: 'ack',
      seq: 1,
      n: 1,
      t: 2,
      duty: 5,
      fault: false,
    });
  });

  it.each([
    ['not json', 'not JSON'],
    ['[1,2]', 'not a JSON object'],
    ['{"type":"hello"}', 'unknown message type'],
    ['{"type":"cp","seq":1,"t":1,"state":"F"}', 'the EV sets state B, C, D or E'],
    ['{"type":"cp","seq":-1,"t":1,"state":"C"}', 'cp needs seq and t'],
    ['{"type":"plug","v":1,"seq":1,"t":1,"cableCurrentA":16,"state":"B"}', 'cableCurrentA'],
    ['{"type":"ack","n":1}', 'ack needs n and t'],
  ])('rejects the EV line %s', (line, message) => {
    expect(() => parseEvLine(line)).toThrow(message);
    try {
      parseEvLine(line);
    } catch (error) {
      expect(error).toMatchObject({ name: 'CableError', code: 'MALFORMED', line });
    }
  });

  it.each([
    ['{"type":"pwm","n":1,"t":1,"duty":101}', 'duty must be'],
    ['{"type":"pwm","n":1,"t":1,"duty":"5"}', 'duty must be'],
    ['{"type":"cp","n":1,"t":1,"state":"C"}', 'state F only'],
    ['{"type":"ack","seq":1,"n":1,"t":1,"fault":"no"}', 'fault must be a boolean'],
  ])('rejects the EVSE line %s', (line, message) => {
    expect(() => parseEvseLine(line)).toThrow(message);
  });

  it('splits lines across chunks, accepts CRLF and drops over-long lines', () => {
    const splitter = new LineSplitter(16);
    const push = (text: string): string[] =>
      splitter.push(Buffer.from(text)).map((l) => (l.tooLong ? `too long: ${l.line}` : l.line));
    expect(push('{"a":')).toEqual([]);
    expect(push('1}\r\n\n{"b":2}\n{"c"')).toEqual(['{"a":1}', '{"b":2}']);
    expect(push(':3}\n')).toEqual(['{"c":3}']);
    expect(push('x'.repeat(10))).toEqual([]);
    expect(push('y'.repeat(10))).toEqual([`too long: ${'x'.repeat(10)}${'y'.repeat(10)}`]);
    expect(push('zzz\n{"d":4}\n')).toEqual(['{"d":4}']);
    expect(push(`{"e":5}\n${'w'.repeat(20)}\n{"f":6}\n`)).toEqual(['{"e":5}', `too long: ${'w'.repeat(20)}`, '{"f":6}']);
  });
});
