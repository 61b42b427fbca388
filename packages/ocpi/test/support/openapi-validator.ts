// An OCPI 2.2.1 traffic validator built at test time straight from the official OpenAPI files
// (../shared/schemas/ocpi/2.2.1/openapi), independent of this package's generated types and
// schemas: ajv (JSON Schema 2020-12, as OpenAPI 3.1 uses) over the YAML documents as they are,
// $refs resolved by ajv across the files. It matches each captured HTTP exchange to its OpenAPI
// operation (by the party's versions URL, the version URLs and the endpoints the party itself
// announced in the captured traffic) and checks request headers, parameters and body, and the
// response status, headers and body.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

// ajv-formats is CommonJS: under NodeNext its default import is the module object
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

type Obj = Record<string, unknown>;

export interface Exchange {
  method: string;
  /** absolute URL as the client used it */
  url: string;
  requestHeaders: Record<string, string>;
  requestBody?: string;
  status: number;
  responseHeaders: Record<string, string>;
  responseBody?: string;
}

export interface Finding {
  exchange: string;
  operation?: string;
  problem: string;
}

interface Operation {
  id: string;
  file: string;
  pointer: string;
  method: string;
  template: string;
  node: Obj;
}

const BASE = 'https://openapi.ocpi.test/2.2.1/';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.yaml') ? [p] : [];
  });
}

const esc = (token: string): string => encodeURIComponent(token.replace(/~/g, '~0').replace(/\//g, '~1'));

export class OpenApiTrafficValidator {
  private readonly ajv: Ajv2020;
  private readonly docs = new Map<string, Obj>();
  private readonly operations: Operation[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();
  /** per party: its versions URL, version URLs and endpoints, learnt from the traffic */
  private readonly versionsUrls = new Set<string>();
  private readonly versionUrls = new Set<string>();
  private readonly endpoints: { url: string; identifier: string; role: string }[] = [];

  constructor(readonly openapiDir: string) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    // OpenAPI annotations, not JSON Schema formats
    this.ajv.addFormat('enum', true);
    this.ajv.addFormat('open-enum', true);
    for (const file of walk(openapiDir)) {
      const rel = relative(openapiDir, file).split('\\').join('/');
      const doc = parse(readFileSync(file, 'utf8')) as Obj;
      this.docs.set(rel, doc);
      this.ajv.addSchema(doc, BASE + rel);
      const paths = (doc.paths ?? {}) as Record<string, Obj>;
      for (const [template, item] of Object.entries(paths)) {
        for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
          const node = item[method] as Obj | undefined;
          if (node) this.operations.push({ id: node.operationId as string, file: rel, pointer: `/paths/${esc(template)}/${method}`, method: method.toUpperCase(), template, node });
        }
      }
    }
  }

  /** Tells the validator where a party's versions endpoint is (a configuration fact). */
  addVersionsUrl(url: string): void {
    this.versionsUrls.add(url);
  }

  private compile(file: string, pointer: string): ValidateFunction {
    const ref = `${BASE}${file}#${pointer}`;
    let v = this.compiled.get(ref);
    if (!v) {
      v = this.ajv.compile({ $ref: ref });
      this.compiled.set(ref, v);
    }
    return v;
  }

  /** resolves a $ref node (responses, parameters) written in `file`; returns the node and where it lives */
  private deref(node: Obj, file: string, pointer: string): { node: Obj; file: string; pointer: string } {
    if (typeof node.$ref !== 'string') return { node, file, pointer };
    const [path, frag = ''] = node.$ref.split('#');
    const target = path ? new URL(path, BASE + file).href.slice(BASE.length) : file;
    let n: unknown = this.docs.get(target);
    for (const part of frag.split('/').filter(Boolean)) n = (n as Obj)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    return this.deref(n as Obj, target, frag.split('/').filter(Boolean).map((p) => esc(p.replace(/~1/g, '/').replace(/~0/g, '~'))).reduce((a, p) => `${a}/${p}`, ''));
  }

  private match(ex: Exchange): { op: Operation; pathParams: Record<string, string> } | undefined {
    const url = ex.url.split('?')[0].replace(/\/$/, '');
    const byId = (id: string): { op: Operation; pathParams: Record<string, string> } | undefined => {
      const op = this.operations.find((o) => o.id === id);
      return op ? { op, pathParams: {} } : undefined;
    };
    if ([...this.versionsUrls].some((u) => u.replace(/\/$/, '') === url)) return ex.method === 'GET' ? byId('getVersions') : undefined;
    if ([...this.versionUrls].some((u) => u.replace(/\/$/, '') === url)) return ex.method === 'GET' ? byId('getVersionDetails') : undefined;
    const candidates = this.endpoints.filter((e) => url === e.url.replace(/\/$/, '') || url.startsWith(`${e.url.replace(/\/$/, '')}/`)).sort((a, b) => b.url.length - a.url.length);
    for (const e of candidates) {
      const rest = url.slice(e.url.replace(/\/$/, '').length);
      const file = e.identifier === 'credentials' ? 'modules/credentials/interface.yaml' : `modules/${e.identifier}/${e.role === 'SENDER' ? 'sender' : 'receiver'}-interface.yaml`;
      for (const op of this.operations.filter((o) => o.file === file && o.method === ex.method)) {
        const names: string[] = [];
        const pattern = op.template.replace(/^\/[^/]+/, '').replace(/\{([^}]+)\}/g, (_m, n: string) => {
          names.push(n);
          return '([^/]+)';
        });
        const m = new RegExp(`^${pattern}$`).exec(rest);
        if (m) return { op, pathParams: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
      }
    }
    return undefined;
  }

  /** Validates one exchange (exchanges must come in the order they completed: the validator learns URLs from them). */
  check(ex: Exchange): { request: Finding[]; response: Finding[] } {
    const name = `${ex.method} ${ex.url} → ${ex.status}`;
    const matched = this.match(ex);
    if (!matched) return { request: [], response: [{ exchange: name, problem: 'no OpenAPI operation matches this request' }] };
    const { op, pathParams } = matched;
    const request: Finding[] = [];
    const response: Finding[] = [];
    const fail = (list: Finding[], problem: string): void => {
      list.push({ exchange: name, operation: op.id, problem });
    };
    const json = (text: string | undefined, list: Finding[]): { ok: boolean; value?: unknown } => {
      if (text === undefined || text === '') return { ok: true };
      try {
        return { ok: true, value: JSON.parse(text) };
      } catch {
        fail(list, 'body is not JSON');
        return { ok: false };
      }
    };

    // ---- request: parameters (headers, path, query) and body
    const url = new URL(ex.url);
    const params = (op.node.parameters ?? []) as Obj[];
    params.forEach((p, i) => {
      const { node, file, pointer } = this.deref(p, op.file, `${op.pointer}/parameters/${i}`);
      let value: unknown;
      if (node.in === 'header') value = ex.requestHeaders[String(node.name).toLowerCase()];
      else if (node.in === 'query') value = url.searchParams.get(String(node.name)) ?? undefined;
      else if (node.in === 'path') value = pathParams[String(node.name)];
      if (value === undefined) {
        if (node.required) fail(request, `missing required ${node.in} parameter ${String(node.name)}`);
        return;
      }
      const schema = node.schema as Obj;
      const v = schema.type === 'integer' && typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
      const validate = this.compile(file, `${pointer}/schema`);
      if (!validate(v)) fail(request, `${node.in} parameter ${String(node.name)}: ${this.ajv.errorsText(validate.errors)}`);
    });
    const rb = op.node.requestBody as Obj | undefined;
    const reqJson = json(ex.requestBody, request);
    if (rb) {
      if (ex.requestBody === undefined || ex.requestBody === '') {
        if (rb.required) fail(request, 'missing required request body');
      } else if (!/^application\/json\b/i.test(ex.requestHeaders['content-type'] ?? '')) {
        fail(request, `request body sent as ${ex.requestHeaders['content-type'] ?? 'no Content-Type'}, not application/json`);
      } else if (reqJson.ok) {
        const validate = this.compile(op.file, `${op.pointer}/requestBody/content/${esc('application/json')}/schema`);
        if (!validate(reqJson.value)) fail(request, `request body: ${this.ajv.errorsText(validate.errors)}`);
      }
    } else if (ex.requestBody) fail(request, 'request has a body the operation does not define');

    // ---- response: status documented, headers, body
    const responses = (op.node.responses ?? {}) as Obj;
    const key = String(ex.status) in responses ? String(ex.status) : 'default' in responses ? 'default' : undefined;
    const resJson = json(ex.responseBody, response);
    if (!key) fail(response, `HTTP ${ex.status} is not a documented response (${Object.keys(responses).join(', ')})`);
    else {
      const { node, file, pointer } = this.deref(responses[key] as Obj, op.file, `${op.pointer}/responses/${key}`);
      for (const [h, hn] of Object.entries((node.headers ?? {}) as Obj)) {
        const hdr = this.deref(hn as Obj, file, `${pointer}/headers/${esc(h)}`).node;
        if (hdr.required && ex.responseHeaders[h.toLowerCase()] === undefined) fail(response, `missing required response header ${h}`);
      }
      const content = (node.content as Obj | undefined)?.['application/json'] as Obj | undefined;
      if (content?.schema && resJson.ok) {
        const validate = this.compile(file, `${pointer}/content/${esc('application/json')}/schema`);
        if (!validate(resJson.value)) fail(response, `response body: ${this.ajv.errorsText(validate.errors)}`);
      }
    }

    // ---- learn the party's URLs from its own answers
    const data = (resJson.value as Obj | undefined)?.data;
    if (op.id === 'getVersions' && Array.isArray(data)) for (const v of data as Obj[]) if (typeof v.url === 'string') this.versionUrls.add(v.url);
    if (op.id === 'getVersionDetails' && data && Array.isArray((data as Obj).endpoints)) {
      for (const e of (data as Obj).endpoints as Obj[]) {
        if (!this.endpoints.some((x) => x.url === e.url && x.role === e.role)) this.endpoints.push({ url: String(e.url), identifier: String(e.identifier), role: String(e.role) });
      }
    }
    if ((op.id === 'postCredentials' || op.id === 'putCredentials') && reqJson.value && typeof (reqJson.value as Obj).url === 'string') this.versionsUrls.add((reqJson.value as Obj).url as string);
    return { request, response };
  }
}
