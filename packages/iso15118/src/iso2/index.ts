export * from './physical.js';
export * from './messages.js';
export type * from './secc/evse-port.js';
export type { SeccContext, SeccPnc, SeccStateName } from './secc/context.js';
export { signElements, verifyElements, type SignedElement, type SignatureCheck } from './signature.js';
export { SeccSession, type PausedSessions, type SeccReply } from './secc/session.js';
export type * from './evcc/ev-port.js';
export { EvccSession, type EvccContract, type EvccOptions, type EvccPnc, type EvccStep } from './evcc/session.js';
export { decryptContractKey, encryptContractKey } from './key-transport.js';
