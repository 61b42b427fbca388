// The parties this platform is connected to, with their credentials tokens (credentials.asciidoc).
// The store is pluggable: the in-memory one here serves tests and short-lived processes; the CSMS
// provides a persistent one with the same interface.
//
// Tokens, from this platform's point of view:
//   tokenA         CREDENTIALS_TOKEN_A we issued out of band; good for versions and credentials only,
//                  thrown away once the peer has registered
//   incomingToken  the token the peer presents to us once registered (C when it registered with us,
//                  B when we registered with it)
//   nextIncomingToken  the new token we offered in a credentials PUT still under way (token rotation)
//   outgoingToken  the token we present to the peer
import type { CredentialsRole, Endpoint } from './generated/types.js';

export interface OcpiPeerQuirks {
  /**
   * The peer sends and expects the raw credentials token in the Authorization header instead of
   * Base64 (many 2.1.1 / 2.2 implementations, per transport_and_format.asciidoc). Off by default.
   */
  rawToken?: boolean;
}

export type OcpiPeerStatus = 'pending' | 'registered';

export interface OcpiPeer {
  /** this platform's own name for the connection */
  id: string;
  /** 'pending' until the credentials exchange has completed in either direction */
  status: OcpiPeerStatus;
  tokenA?: string;
  incomingToken?: string;
  nextIncomingToken?: string;
  outgoingToken?: string;
  /** the peer's versions endpoint */
  versionsUrl?: string;
  /** the OCPI version both use, once chosen */
  version?: string;
  /** the peer's endpoints for that version */
  endpoints?: Endpoint[];
  /** the peer's roles, from its Credentials object */
  roles?: CredentialsRole[];
  quirks?: OcpiPeerQuirks;
  /** ISO time of the last change */
  updatedAt?: string;
}

export type TokenKind = 'A' | 'credentials';

type MaybePromise<T> = T | Promise<T>;

export interface OcpiCredentialsStore {
  get(id: string): MaybePromise<OcpiPeer | undefined>;
  /** the peer a token presented to us belongs to, and whether it is a token A */
  findByToken(token: string): MaybePromise<{ peer: OcpiPeer; kind: TokenKind } | undefined>;
  list(): MaybePromise<OcpiPeer[]>;
  /** creates or replaces the record with this id */
  save(peer: OcpiPeer): MaybePromise<void>;
  delete(id: string): MaybePromise<void>;
}

export class InMemoryCredentialsStore implements OcpiCredentialsStore {
  private readonly peers = new Map<string, OcpiPeer>();

  get(id: string): OcpiPeer | undefined {
    const p = this.peers.get(id);
    return p ? structuredClone(p) : undefined;
  }

  findByToken(token: string): { peer: OcpiPeer; kind: TokenKind } | undefined {
    for (const p of this.peers.values()) {
      if (p.tokenA === token) return { peer: structuredClone(p), kind: 'A' };
      if (p.incomingToken === token || p.nextIncomingToken === token) return { peer: structuredClone(p), kind: 'credentials' };
    }
    return undefined;
  }

  list(): OcpiPeer[] {
    return [...this.peers.values()].map((p) => structuredClone(p));
  }

  save(peer: OcpiPeer): void {
    this.peers.set(peer.id, structuredClone({ ...peer, updatedAt: new Date().toISOString() }));
  }

  delete(id: string): void {
    this.peers.delete(id);
  }
}
