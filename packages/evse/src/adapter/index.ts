export * from './operator-limit.js';
export * from './secc-evse.js';
