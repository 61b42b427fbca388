// Framing and error-code spelling, pure.
import { describe, expect, it } from 'vitest';
import { parseErrorCode, parseMessage, serializeFrame, sniffHead, wireErrorCode } from '../src/index.js';

describe('parseMessage', () => {
  it('reads the five message types of 2.1', () => {
    expect(parseMessage('[2,"a","Heartbeat",{}]', '2.1')).toEqual({ ok: true, frame: { type: 'CALL', messageId: 'a', action: 'Heartbeat', payload: {} } });
    expect(parseMessage('[3,"a",{"x":1}]', '2.1')).toEqual({ ok: true, frame: { type: 'CALLRESULT', messageId: 'a', payload: { x: 1 } } });
    expect(parseMessage('[4,"a","NotSupported","no",{}]', '2.1')).toMatchObject({ ok: true, frame: { type: 'CALLERROR', errorCode: 'NotSupported', errorDescription: 'no' } });
    expect(parseMessage('[5,"a","FormatViolation","",{}]', '2.1')).toMatchObject({ ok: true, frame: { type: 'CALLRESULTERROR' } });
    expect(parseMessage('[6,"a","NotifyPeriodicEventStream",{}]', '2.1')).toMatchObject({ ok: true, frame: { type: 'SEND', action: 'NotifyPeriodicEventStream' } });
  });

  it('treats 5 and 6 as unknown types before 2.1', () => {
    expect(parseMessage('[6,"a","X",{}]', '2.0.1')).toMatchObject({ ok: false, code: 'MessageTypeNotSupported', messageId: 'a', answer: true });
    expect(parseMessage('[5,"a","X","",{}]', '1.6')).toMatchObject({ ok: false, answer: false });
  });

  it('takes a null payload as {} ([J16] §4.2.1) and a CALLERROR without details', () => {
    expect(parseMessage('[2,"a","Heartbeat",null]', '1.6')).toMatchObject({ ok: true, frame: { payload: {} } });
    expect(parseMessage('[4,"a","GenericError",""]', '1.6')).toMatchObject({ ok: true, frame: { errorDetails: {} } });
  });

  it('never answers a broken CALLRESULT or CALLERROR', () => {
    expect(parseMessage('[3,"a"]', '2.0.1')).toMatchObject({ ok: false, answer: false });
    expect(parseMessage('[4,"a",5]', '2.0.1')).toMatchObject({ ok: false, answer: false });
    expect(parseMessage('[3,"a",{', '2.0.1')).toMatchObject({ ok: false, answer: false, messageId: 'a' });
  });

  it('refuses wrong element counts and empty actions', () => {
    expect(parseMessage('[2,"a","Heartbeat"]', '2.1')).toMatchObject({ ok: false, code: 'RpcFrameworkError', messageId: 'a' });
    expect(parseMessage('[2,"a","",{}]', '2.1')).toMatchObject({ ok: false, code: 'RpcFrameworkError' });
    expect(parseMessage('[2,"a","Heartbeat","{}"]', '1.6')).toMatchObject({ ok: false, code: 'FormatViolation' });
  });
});

describe('serializeFrame', () => {
  it('writes each type and cuts the description at 255 characters', () => {
    expect(serializeFrame({ type: 'CALL', messageId: '1', action: 'Heartbeat', payload: {} })).toBe('[2,"1","Heartbeat",{}]');
    expect(serializeFrame({ type: 'SEND', messageId: '1', action: 'N', payload: {} })).toBe('[6,"1","N",{}]');
    const e = JSON.parse(serializeFrame({ type: 'CALLRESULTERROR', messageId: '1', errorCode: 'X', errorDescription: 'd'.repeat(300), errorDetails: {} })) as unknown[];
    expect(e[0]).toBe(5);
    expect((e[3] as string).length).toBe(255);
  });
});

describe('error code spelling', () => {
  it('spells the 1.6 codes as OCPP-J 1.6 prints them and has no 2.x-only codes there', () => {
    expect(wireErrorCode('FormatViolation', '1.6')).toBe('FormationViolation');
    expect(wireErrorCode('OccurrenceConstraintViolation', '1.6')).toBe('OccurenceConstraintViolation');
    expect(wireErrorCode('RpcFrameworkError', '1.6')).toBe('GenericError');
    expect(wireErrorCode('MessageTypeNotSupported', '1.6')).toBe('GenericError');
    expect(wireErrorCode('FormatViolation', '2.0.1')).toBe('FormatViolation');
    expect(wireErrorCode('OccurrenceConstraintViolation', '2.1')).toBe('OccurrenceConstraintViolation');
  });

  it('reads both spellings of both typos', () => {
    expect(parseErrorCode('FormationViolation')).toBe('FormatViolation');
    expect(parseErrorCode('OccurenceConstraintViolation')).toBe('OccurrenceConstraintViolation');
    expect(parseErrorCode('OccurrenceConstraintViolation')).toBe('OccurrenceConstraintViolation');
    expect(parseErrorCode('Banana')).toBeUndefined();
  });

  it('sniffs type and id from the head of a message', () => {
    expect(sniffHead('  [ 2 , "abc-1", "DataTransfer", {"data":"…')).toEqual({ messageTypeId: 2, messageId: 'abc-1' });
    expect(sniffHead('{"x":1}')).toEqual({});
  });
});
