export * from './messages.js';
export type * from './secc/evse-port.js';
export type { Secc20Context, Secc20StateName } from './secc/context.js';
export { Secc20Session, type Secc20Reply } from './secc/session.js';
export type * from './evcc/ev-port.js';
export { Evcc20Session, type Evcc20Step } from './evcc/session.js';
