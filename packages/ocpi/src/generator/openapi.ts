// Reads the official OCPI 2.2.1 OpenAPI files (ocpi/openapi-specification, ocpi/2.2.1/) into a flat
// model: every component schema under its own name (names are unique across the files), and every
// operation of every module interface with its parameters, body and response data resolved.
// Runs at generate time only; nothing here is imported by the runtime.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parse } from 'yaml';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export interface SchemaEntry {
  name: string;
  /** module folder ('sessions') or 'common' for components/schema.yaml */
  module: string;
  schema: JsonObject;
}

export interface ParameterModel {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  /** JSON Schema, refs already rewritten to schema names */
  schema: JsonObject;
}

export interface OperationModel {
  operationId: string;
  /** 'sessions', 'credentials', 'versions', … */
  module: string;
  /** the interface file: 'sender', 'receiver' or 'interface' (credentials, versions) */
  iface: 'sender' | 'receiver' | 'interface';
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** as in the OpenAPI file, e.g. /sessions/{country_code}/{party_id}/{session_id} */
  path: string;
  summary: string;
  parameters: ParameterModel[];
  /** request body schema (a $ref to a schema name, or oneOf of them) */
  body?: JsonObject;
  /** HTTP status → the schema of the envelope's `data` (undefined: the envelope carries no defined data) */
  responses: { status: string; data?: JsonObject }[];
}

export interface OpenApiModel {
  schemas: SchemaEntry[];
  operations: OperationModel[];
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

class Loader {
  private readonly docs = new Map<string, JsonObject>();
  constructor(readonly root: string) {}

  doc(file: string): JsonObject {
    let d = this.docs.get(file);
    if (!d) {
      d = parse(readFileSync(file, 'utf8')) as JsonObject;
      this.docs.set(file, d);
    }
    return d;
  }

  /** Follows a $ref written in `file`; returns the target node and the file it lives in. */
  deref(ref: string, file: string): { node: JsonObject; file: string; pointer: string } {
    const [path, pointer = ''] = ref.split('#');
    const target = path ? resolve(dirname(file), path) : file;
    let node: Json = this.doc(target);
    for (const part of pointer.split('/').filter(Boolean)) node = (node as JsonObject)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (!node || typeof node !== 'object') throw new Error(`unresolved $ref ${ref} in ${relative(this.root, file)}`);
    return { node: node as JsonObject, file: target, pointer };
  }
}

/** Rewrites every `$ref` to `{ $ref: '#/definitions/<Name>' }` (schema names are global). */
function rewriteRefs(node: Json, loader: Loader, file: string): Json {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, loader, file));
  if (!node || typeof node !== 'object') return node;
  if (typeof node.$ref === 'string') {
    const { pointer } = loader.deref(node.$ref, file);
    const m = /^\/components\/schemas\/([A-Za-z0-9_]+)$/.exec(pointer);
    if (!m) throw new Error(`unexpected schema $ref ${node.$ref}`);
    const out: JsonObject = { $ref: `#/definitions/${m[1]}` };
    // OpenAPI 3.1 allows siblings of $ref (descriptions); keep them for the doc comments
    for (const [k, v] of Object.entries(node)) if (k !== '$ref') out[k] = rewriteRefs(v, loader, file);
    return out;
  }
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) out[k] = rewriteRefs(v, loader, file);
  return out;
}

function moduleDirs(root: string): string[] {
  return readdirSync(join(root, 'modules'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

export function loadOpenApi(root: string): OpenApiModel {
  const loader = new Loader(root);
  const schemas: SchemaEntry[] = [];
  const seen = new Map<string, string>();
  const addSchemas = (file: string, module: string): void => {
    const comps = (loader.doc(file).components as JsonObject | undefined)?.schemas as JsonObject | undefined;
    for (const [name, schema] of Object.entries(comps ?? {})) {
      const where = relative(root, file);
      if (seen.has(name)) throw new Error(`schema ${name} defined twice: ${seen.get(name)} and ${where}`);
      seen.set(name, where);
      schemas.push({ name, module, schema: rewriteRefs(schema, loader, file) as JsonObject });
    }
  };
  addSchemas(join(root, 'components/schema.yaml'), 'common');
  const modules = moduleDirs(root);
  for (const m of modules) {
    const f = join(root, 'modules', m, 'schema.yaml');
    if (existsSync(f)) addSchemas(f, m);
  }

  const operations: OperationModel[] = [];
  for (const m of modules) {
    for (const iface of ['interface', 'sender', 'receiver'] as const) {
      const file = join(root, 'modules', m, iface === 'interface' ? 'interface.yaml' : `${iface}-interface.yaml`);
      if (!existsSync(file)) continue;
      const paths = (loader.doc(file).paths ?? {}) as JsonObject;
      for (const [path, item] of Object.entries(paths)) {
        for (const method of METHODS) {
          const op = (item as JsonObject)[method] as JsonObject | undefined;
          if (!op) continue;
          operations.push(readOperation(loader, file, m, iface, method, path, op));
        }
      }
    }
  }
  return { schemas, operations };
}

function readOperation(
  loader: Loader,
  file: string,
  module: string,
  iface: OperationModel['iface'],
  method: (typeof METHODS)[number],
  path: string,
  op: JsonObject,
): OperationModel {
  const parameters: ParameterModel[] = [];
  for (const p of (op.parameters ?? []) as JsonObject[]) {
    const { node, file: pfile } = typeof p.$ref === 'string' ? loader.deref(p.$ref, file) : { node: p, file };
    parameters.push({
      name: node.name as string,
      in: node.in as ParameterModel['in'],
      required: node.required === true,
      ...(typeof node.description === 'string' ? { description: node.description } : {}),
      schema: rewriteRefs(node.schema ?? {}, loader, pfile) as JsonObject,
    });
  }
  let body: JsonObject | undefined;
  const rb = op.requestBody as JsonObject | undefined;
  if (rb) {
    const schema = ((rb.content as JsonObject)['application/json'] as JsonObject).schema;
    body = rewriteRefs(schema, loader, file) as JsonObject;
  }
  const responses: OperationModel['responses'] = [];
  for (const [status, r] of Object.entries((op.responses ?? {}) as JsonObject)) {
    const { node, file: rfile } = typeof (r as JsonObject).$ref === 'string' ? loader.deref((r as JsonObject).$ref as string, file) : { node: r as JsonObject, file };
    const schema = ((node.content as JsonObject | undefined)?.['application/json'] as JsonObject | undefined)?.schema as JsonObject | undefined;
    responses.push({ status, ...(schema ? dataOf(schema, loader, rfile) : {}) });
  }
  return {
    operationId: op.operationId as string,
    module,
    iface,
    method: method.toUpperCase() as OperationModel['method'],
    path,
    summary: (op.summary as string | undefined) ?? '',
    parameters,
    ...(body ? { body } : {}),
    responses,
  };
}

/** The `data` part of a response envelope schema: `allOf: [OCPIResponse, {properties: {data: X}}]`. */
function dataOf(schema: JsonObject, loader: Loader, file: string): { data?: JsonObject } {
  const parts = Array.isArray(schema.allOf) ? (schema.allOf as JsonObject[]) : [schema];
  for (const part of parts) {
    const data = (part.properties as JsonObject | undefined)?.data as JsonObject | undefined;
    if (data && Object.keys(data).some((k) => k !== 'description')) return { data: rewriteRefs(data, loader, file) as JsonObject };
  }
  return {};
}
