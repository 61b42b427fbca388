/**
 * The cable's events and the pure reducer both ends share: a change (plug, S2, PWM, …) applied
 * to the cable state gives the events it causes, so the EV and the EVSE derive the same events
 * from the same sequence of changes.
 */
import { resolveCpState } from './model.js';
import type { CableCurrent, CpState, EvCpState, PwmDuty } from './model.js';
import { CableError } from './wire.js';

/** Which end made (or, for a lost connection, detected) a change. */
export type CableSide = 'ev' | 'evse';

/**
 * Why the cable was unplugged:
 * - `unplug`: the EV pulled the plug (sent `unplug`);
 * - `connection-lost`: the connection ended without `unplug` (the peer process died, a network error);
 * - `closed`: this end was closed locally (`CableSocket.close()`, `CablePlug.destroy()`).
 */
export type UnplugReason = 'unplug' | 'connection-lost' | 'closed';

interface Stamp {
  /**
   * The change's number in the cable's sequence, assigned by the EVSE. Every event of one change
   * has the same `n`; both ends see the same `n` for the same change.
   */
  readonly n: number;
  /** When the change was made, by the end that made it: wall clock, ms since the epoch (sub-ms). */
  readonly t: number;
  readonly by: CableSide;
  /** At the end that did not make the change: when its line arrived (this end's clock). */
  readonly receivedAt?: number;
}

/** The EV connected: CP goes from A to the EV's state (normally B). */
export interface PluggedEvent extends Stamp {
  readonly type: 'plugged';
  /** CP state after the plug-in (as the EVSE measures it). */
  readonly state: CpState;
  /** The EVSE's oscillator at the plug-in. */
  readonly duty: PwmDuty;
  readonly cableCurrentA: CableCurrent;
}

export interface UnpluggedEvent extends Stamp {
  readonly type: 'unplugged';
  readonly reason: UnplugReason;
}

/** The CP state changed (including A→B at plug-in and →A at unplug). */
export interface CpEvent extends Stamp {
  readonly type: 'cp';
  readonly state: CpState;
  readonly previous: CpState;
}

/** The EVSE's oscillator changed (`null` = off, +12 V constant). */
export interface PwmEvent extends Stamp {
  readonly type: 'pwm';
  readonly duty: PwmDuty;
  readonly previous: PwmDuty;
}

export type CableEvent = PluggedEvent | UnpluggedEvent | CpEvent | PwmEvent;

/** What both ends know about the cable. */
export interface CableState {
  readonly plugged: boolean;
  /** The EV's load (meaningful while plugged). */
  readonly ev: EvCpState;
  /** The EVSE holds −12 V (state F). */
  readonly evseFault: boolean;
  readonly duty: PwmDuty;
  /** The plugged cable's PP rating. */
  readonly cableCurrentA: CableCurrent | undefined;
}

export const INITIAL_CABLE_STATE: CableState = {
  plugged: false,
  ev: 'B',
  evseFault: false,
  duty: null,
  cableCurrentA: undefined,
};

/** A change to the cable, as made by one end. */
export type CableChange =
  | { readonly type: 'plug'; readonly cableCurrentA: CableCurrent; readonly state: EvCpState }
  | { readonly type: 'unplug'; readonly reason: UnplugReason }
  | { readonly type: 'ev-cp'; readonly state: EvCpState }
  | { readonly type: 'pwm'; readonly duty: PwmDuty }
  | { readonly type: 'fault' };

/** The CP state of a cable state. */
export function cableCpState(state: CableState): CpState {
  return resolveCpState({ plugged: state.plugged, ev: state.ev, evseFault: state.evseFault });
}

/**
 * Applies one change. Throws CableError `UNEXPECTED` for a change that makes no sense in this
 * state (plug while plugged, S2 or unplug while unplugged). A change that alters nothing gives no events.
 */
export function applyCableChange(
  state: CableState,
  change: CableChange,
  stamp: Stamp,
): { readonly state: CableState; readonly events: CableEvent[] } {
  const before = cableCpState(state);
  let next: CableState;
  const events: CableEvent[] = [];
  switch (change.type) {
    case 'plug':
      if (state.plugged) throw new CableError('UNEXPECTED', 'plug: already plugged in');
      next = { ...state, plugged: true, ev: change.state, cableCurrentA: change.cableCurrentA };
      events.push({
        type: 'plugged',
        ...stamp,
        state: cableCpState(next),
        duty: next.duty,
        cableCurrentA: change.cableCurrentA,
      });
      break;
    case 'unplug':
      if (!state.plugged) throw new CableError('UNEXPECTED', 'unplug: not plugged in');
      next = { ...state, plugged: false, ev: 'B', cableCurrentA: undefined };
      events.push({ type: 'unplugged', ...stamp, reason: change.reason });
      break;
    case 'ev-cp':
      if (!state.plugged) throw new CableError('UNEXPECTED', 'cp: not plugged in');
      next = { ...state, ev: change.state };
      break;
    case 'pwm':
      next = { ...state, duty: change.duty, evseFault: false };
      if (change.duty !== state.duty) events.push({ type: 'pwm', ...stamp, duty: change.duty, previous: state.duty });
      break;
    case 'fault':
      next = { ...state, duty: null, evseFault: true };
      if (state.duty !== null) events.push({ type: 'pwm', ...stamp, duty: null, previous: state.duty });
      break;
  }
  const after = cableCpState(next);
  if (after !== before) events.push({ type: 'cp', ...stamp, state: after, previous: before });
  return { state: next, events };
}

/** The events of a cable end. `change` is every cable event in sequence; `error` a bad line or a failure. */
export interface CableEventMap {
  readonly plugged: PluggedEvent;
  readonly unplugged: UnpluggedEvent;
  readonly cp: CpEvent;
  readonly pwm: PwmEvent;
  readonly change: CableEvent;
  readonly error: CableError;
}

export type CableEventName = keyof CableEventMap;

export interface WaitForOptions {
  /** Reject with CableError `TIMEOUT` after this long. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

type Listener<K extends CableEventName> = (event: CableEventMap[K]) => void;

/**
 * A small typed event emitter. Unlike Node's EventEmitter, an `error` nobody listens to is
 * dropped, not thrown: a malformed line from the peer must never crash the process.
 */
export class CableEvents {
  readonly #listeners = new Map<CableEventName, Set<(event: never) => void>>();

  /** Calls `listener` for each event `name`; returns a function that removes it. */
  on<K extends CableEventName>(name: K, listener: Listener<K>): () => void {
    let set = this.#listeners.get(name);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(name, set);
    }
    set.add(listener as (event: never) => void);
    return () => {
      set.delete(listener as (event: never) => void);
    };
  }

  /**
   * The next event `name` (for which `predicate` holds), from now on. Rejects with CableError
   * `TIMEOUT` after `timeoutMs`, or with the signal's reason.
   */
  waitFor<K extends CableEventName>(
    name: K,
    predicate?: (event: CableEventMap[K]) => boolean,
    options: WaitForOptions = {},
  ): Promise<CableEventMap[K]> {
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = (): void => {
        off();
        if (timer !== undefined) clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      };
      const off = this.on(name, (event) => {
        if (predicate !== undefined && !predicate(event)) return;
        finish();
        resolve(event);
      });
      const onAbort = (): void => {
        finish();
        reject(options.signal?.reason as Error);
      };
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (options.timeoutMs !== undefined) {
        timer = setTimeout(() => {
          finish();
          reject(new CableError('TIMEOUT', `no '${name}' event within ${options.timeoutMs} ms`));
        }, options.timeoutMs);
      }
    });
  }

  /** Calls the listeners; a listener that throws does not stop the others (its error goes to `error`). */
  emit<K extends CableEventName>(name: K, event: CableEventMap[K]): void {
    const set = this.#listeners.get(name);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<K>)(event);
      } catch (error) {
        if (name !== 'error') {
          this.emit('error', new CableError('LISTENER', `a '${name}' listener threw`, { cause: error }));
        }
      }
    }
  }

  /** Emits a cable event under its own name and under `change`. */
  emitCableEvent(event: CableEvent): void {
    this.emit(event.type, event as never);
    this.emit('change', event);
  }
}

/** Wall-clock time in ms since the epoch with sub-ms resolution (monotonic within a process). */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}
