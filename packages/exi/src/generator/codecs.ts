// Which schema sets become which codecs. Paths are relative to the schema folder
// (`../shared/schemas` beside the checkout); the XSDs are read from there, never copied.

export interface CodecSpec {
  /** codec id, as used by the CLI `--schema` flag */
  id: string;
  /** root schema files; imports are followed */
  roots: string[];
  /** the namespace offered in SupportedAppProtocol for this codec, where there is one */
  protocolNamespace?: string;
  /** SCALE overlay applied on top of the standard schema set, by overlay id */
  overlay?: string;
  description: string;
}

export const CODECS: readonly CodecSpec[] = [
  { id: 'apphand', roots: ['apphand/V2G_CI_AppProtocol.xsd'], description: 'SupportedAppProtocol handshake (ISO 15118-2 / -20, DIN 70121)' },
  { id: 'din', roots: ['din70121/V2G_CI_MsgDef.xsd'], protocolNamespace: 'urn:din:70121:2012:MsgDef', description: 'DIN SPEC 70121:2012 V2G_Message' },
  { id: 'iso2', roots: ['iso15118-2/V2G_CI_MsgDef.xsd'], protocolNamespace: 'urn:iso:15118:2:2013:MsgDef', description: 'ISO 15118-2:2013 V2G_Message' },
  { id: 'xmldsig', roots: ['iso15118-2/xmldsig-core-schema.xsd'], description: 'W3C XML Signature alone: SignedInfo fragments for ISO 15118-2 and -20 signatures' },
  { id: 'iso20-cm', roots: ['iso15118-20/V2G_CI_CommonMessages.xsd'], protocolNamespace: 'urn:iso:std:iso:15118:-20:CommonMessages', description: 'ISO 15118-20 CommonMessages' },
  { id: 'iso20-ac', roots: ['iso15118-20/V2G_CI_AC.xsd'], protocolNamespace: 'urn:iso:std:iso:15118:-20:AC', description: 'ISO 15118-20 AC (and AC_BPT)' },
  { id: 'iso20-dc', roots: ['iso15118-20/V2G_CI_DC.xsd'], protocolNamespace: 'urn:iso:std:iso:15118:-20:DC', description: 'ISO 15118-20 DC (and DC_BPT)' },
  { id: 'iso20-wpt', roots: ['iso15118-20/V2G_CI_WPT.xsd'], protocolNamespace: 'urn:iso:std:iso:15118:-20:WPT', description: 'ISO 15118-20 WPT' },
  { id: 'iso20-acdp', roots: ['iso15118-20/V2G_CI_ACDP.xsd'], protocolNamespace: 'urn:iso:std:iso:15118:-20:ACDP', description: 'ISO 15118-20 ACDP' },
];
