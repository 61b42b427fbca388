// Message names and bodies of ISO 15118-2: the Body holds exactly one message element.
import type { Iso2 } from '@v2xsim/exi';

export type Body = Iso2.BodyType;
export type MessageName = keyof Body & string;

export function messageName(body: Body): MessageName | undefined {
  for (const k in body) if (body[k as MessageName] !== undefined) return k as MessageName;
  return undefined;
}

/** `SessionSetupReq` → `SessionSetupRes`; the pair name `SessionSetup` is what the timing table keys by. */
export const responseOf = (req: string): string => req.replace(/Req$/, 'Res');
export const pairOf = (name: string): string => name.replace(/(Req|Res)$/, '');

export function v2gMessage(sessionId: string, body: Body, signature?: Iso2.SignatureType): { V2G_Message: Iso2.V2G_MessageType } {
  return { V2G_Message: { Header: signature ? { SessionID: sessionId, Signature: signature } : { SessionID: sessionId }, Body: body } };
}
