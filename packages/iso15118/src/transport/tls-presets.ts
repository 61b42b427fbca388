import type tls from 'node:tls';

/**
 * ISO 15118-2 (and DIN 70121 with TLS): TLS 1.2, server authentication only, on P-256.
 * The standard lists TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256 and
 * TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256; OpenSSL 3 (hence Node) no longer has the static-ECDH
 * one, so only the ECDHE suite is offered, as EVerest does (connection_ssl.cpp).
 */
export const TLS_ISO15118_2 = {
  minVersion: 'TLSv1.2',
  maxVersion: 'TLSv1.2',
  ciphers: 'ECDHE-ECDSA-AES128-SHA256',
  ecdhCurve: 'prime256v1',
} as const satisfies tls.SecureContextOptions;

/**
 * ISO 15118-20: TLS 1.3 with mutual authentication; the EVCC must support both suites
 * [V2G20-2459]. Node takes TLS 1.3 suites (`TLS_…`) in `ciphers`. `requestCert` and
 * `rejectUnauthorized` make a SECC listener demand and verify the EVCC's (OEM provisioning)
 * certificate; a client ignores `requestCert` and needs `cert` + `key`.
 */
export const TLS_ISO15118_20 = {
  minVersion: 'TLSv1.3',
  maxVersion: 'TLSv1.3',
  ciphers: 'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256',
  requestCert: true,
  rejectUnauthorized: true,
} as const satisfies tls.SecureContextOptions & { requestCert: boolean; rejectUnauthorized: boolean };

/**
 * SECC certificates name the SECC (CN=SECCCert, DC=CPO), not a host: the EVCC reaches the SECC
 * at an address learnt from SDP, so there is no hostname to check. Chain verification against
 * the V2G root still applies (`rejectUnauthorized`); only the hostname check is skipped.
 */
export function skipHostnameCheck(): undefined {
  return undefined;
}
