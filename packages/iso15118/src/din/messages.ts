// Message names and bodies of DIN SPEC 70121: the Body holds exactly one message element.
import type { Din } from '@v2xsim/exi';

export type Body = Din.BodyType;
export type MessageName = Exclude<keyof Body & string, 'BodyElement'>;
export type RequestName = Extract<MessageName, `${string}Req`>;
export type ResponseName = Extract<MessageName, `${string}Res`>;
export type V2G = { V2G_Message: Din.V2G_MessageType };

export function messageName(body: Body): MessageName | undefined {
  for (const k in body) if (k !== 'BodyElement' && body[k as MessageName] !== undefined) return k as MessageName;
  return undefined;
}

/** `SessionSetupReq` → `SessionSetupRes`; the pair name `SessionSetup` is what the timing table keys by. */
export const responseOf = (req: string): string => req.replace(/Req$/, 'Res');
export const pairOf = (name: string): string => name.replace(/(Req|Res)$/, '');

export function v2gMessage(sessionId: string, body: Body): V2G {
  return { V2G_Message: { Header: { SessionID: sessionId }, Body: body } };
}
