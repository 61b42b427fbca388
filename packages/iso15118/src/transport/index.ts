/** V2GTP over TCP / TLS: connections, the SECC listener, the EVCC connect, TLS presets. */
export { V2gConnection } from './connection.js';
export type { ReceiveOptions, V2gConnectionOptions, V2gTlsInfo, V2gTransportTraceEvent } from './connection.js';
export { V2gTransportError, describeCloseReason, isV2gTransportError } from './errors.js';
export type { V2gCloseReason, V2gTransportErrorCode } from './errors.js';
export { TLS_ISO15118_2, TLS_ISO15118_20, skipHostnameCheck } from './tls-presets.js';
export { createSeccListener } from './listener.js';
export type { SeccListener, SeccListenerOptions, SeccTlsOptions } from './listener.js';
export { connectToSecc } from './connect.js';
export type { ConnectToSeccOptions, EvccTlsOptions } from './connect.js';
