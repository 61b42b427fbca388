// The CSMS's OCPP handlers, one module per functional block of the specification (B
// Provisioning, C Authorization, E Transactions, J MeterValues, K SmartCharging + Q V2X, A/M
// certificates, N Diagnostics); F RemoteControl is CSMS-initiated only (remote-control.ts).
import type { OcppServer } from '@v2xsim/ocpp';
import type { CsmsContext } from '../context.js';
import { registerAuthorization } from './authorization.js';
import { registerCertificates } from './certificates.js';
import { registerDiagnostics } from './diagnostics.js';
import { registerMeterValues } from './meter-values.js';
import { registerProvisioning } from './provisioning.js';
import { registerSmartCharging } from './smart-charging.js';
import { registerTransactions } from './transactions.js';

export function registerHandlers(server: OcppServer, ctx: CsmsContext): void {
  registerProvisioning(server, ctx);
  registerAuthorization(server, ctx);
  registerTransactions(server, ctx);
  registerMeterValues(server, ctx);
  registerSmartCharging(server, ctx);
  registerCertificates(server, ctx);
  registerDiagnostics(server, ctx);
}

export * from './provisioning.js';
export * from './authorization.js';
export * from './transactions.js';
export * from './meter-values.js';
export * from './smart-charging.js';
export * from './remote-control.js';
export * from './certificates.js';
export * from './diagnostics.js';
