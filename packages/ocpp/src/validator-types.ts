// The shape of a generated (Ajv standalone) validator and of the error it reports.

export interface SchemaError {
  /** the JSON Schema keyword that failed: required, type, enum, maxLength, additionalProperties, … */
  keyword: string;
  /** JSON pointer to the failing value, '' for the payload itself */
  instancePath: string;
  schemaPath: string;
  params: Record<string, unknown>;
  message?: string;
}

export interface SchemaValidator {
  (data: unknown): boolean;
  errors?: SchemaError[] | null;
}
