export * from './messages.js';
export * from './codecs.js';
export * from './schedules.js';
export type * from './secc/evse-port.js';
export type { Secc20Context, Secc20Pnc, Secc20StateName } from './secc/context.js';
export { Secc20Session, type Paused20Session, type Paused20Sessions, type Secc20Options, type Secc20Reply } from './secc/session.js';
export type * from './evcc/ev-port.js';
export { Evcc20Session, type Evcc20Options, type Evcc20Pnc, type Evcc20Step } from './evcc/session.js';
