// The OCPP versions this package speaks and their WebSocket subprotocol names ([J21] §3.1.2: the
// version is chosen by subprotocol negotiation only, never from the URL).

export const OCPP_VERSIONS = ['1.6', '2.0.1', '2.1'] as const;
export type OcppVersion = (typeof OCPP_VERSIONS)[number];

export type OcppSubprotocol = `ocpp${OcppVersion}`;

export function subprotocolOf(version: OcppVersion): OcppSubprotocol {
  return `ocpp${version}`;
}

/** The version for an offered subprotocol name, or undefined for one we do not speak. */
export function versionOfSubprotocol(name: string): OcppVersion | undefined {
  return OCPP_VERSIONS.find((v) => subprotocolOf(v) === name);
}

export function isOcppVersion(x: unknown): x is OcppVersion {
  return typeof x === 'string' && (OCPP_VERSIONS as readonly string[]).includes(x);
}
