// The JSON Schema shape the generated schemas use (a draft-07 subset: what ajv and
// fast-json-stringify both understand).
export interface JsonSchema {
  $id?: string;
  $ref?: string;
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: (string | number)[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
  format?: string;
  additionalProperties?: boolean | JsonSchema;
  definitions?: Record<string, JsonSchema>;
}
