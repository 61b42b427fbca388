export interface QName { ns: string; name: string }
export interface OverlayElement { name: string; type: QName; minOccurs: 0 | 1; maxOccurs?: number } // element ns = the edited type's target namespace
export interface InsertElements {
  kind: 'insertElements';
  /** the complex type whose own (extension) sequence gets the elements */
  complexType: QName;
  /** insert after this local element name of that sequence; null = at the start */
  after: string | null;
  elements: OverlayElement[];
  /** D2.3 section and a one-line reason */
  source: string;
}
export interface SchemaOverlay {
  /** codec id, e.g. 'iso2-scale' */
  id: string;
  /** the standard codec it extends: 'iso2' | 'iso20-ac' | 'iso20-dc' */
  base: string;
  /** the namespace offered in SupportedAppProtocol (ProtocolNamespace) for this variant */
  protocolNamespace: string;
  edits: InsertElements[];
}
