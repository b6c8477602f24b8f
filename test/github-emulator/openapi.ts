/**
 * GitHub's official OpenAPI description (from @octokit/openapi) as a request/response checker.
 *
 * Only `generated/api.github.com.json` is read (13 MB, about 0.2 s), once per process and only when the
 * first request arrives. Operations are matched by method + path template; validators are compiled per
 * operation on first use and cached. OpenAPI 3.0's `nullable` is rewritten into JSON Schema (`type: [t, 'null']`
 * or `anyOf: [s, {type: 'null'}]`) because ajv does not accept `nullable` without `type`; other OpenAPI-only
 * keywords (example, readOnly, discriminator, x-*) are ignored through `strict: false`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import AjvModule, { type ValidateFunction, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv and ajv-formats are CommonJS; under ESM their callable lives on `.default`.
const Ajv = ((AjvModule as unknown as { default?: typeof AjvModule }).default ?? AjvModule) as typeof AjvModule;
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as typeof addFormatsModule;

type Json = Record<string, any>;

export interface MatchedOperation {
  operationId: string;
  method: string;
  /** The spec's path template, e.g. `/repos/{owner}/{repo}/pulls/{pull_number}`. */
  template: string;
  pathParams: Record<string, string>;
}

interface Operation {
  operationId: string;
  method: string;
  template: string;
  segments: string[];
  /** Number of `{param}` segments: literal routes win over templated ones (`releases/latest` before `{release_id}`). */
  params: number;
  raw: Json;
}

interface CompiledOperation {
  path?: ValidateFunction;
  query?: ValidateFunction;
  body?: ValidateFunction;
  bodyRequired: boolean;
  bodyIsJson: boolean;
  responses: Map<string, ValidateFunction | null>;
}

const SPEC_ID = 'gh';

/** Rewrites OpenAPI 3.0 schema dialect into JSON Schema ajv understands, and points refs at the shared document. */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/')) out[key] = `${SPEC_ID}${value}`;
    else if (key === 'example' || key === 'examples' || key === 'description' || key.startsWith('x-')) continue;
    else out[key] = toJsonSchema(value);
  }
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
      return out;
    }
    return { anyOf: [out, { type: 'null' }] };
  }
  if (out.nullable === false) delete out.nullable;
  return out;
}

class OpenApi {
  private readonly spec: Json;
  private readonly byMethod = new Map<string, Operation[]>();
  private readonly compiled = new Map<string, CompiledOperation>();
  private readonly ajvBody: InstanceType<typeof Ajv>;
  private readonly ajvParams: InstanceType<typeof Ajv>;

  constructor(file: string) {
    this.spec = JSON.parse(readFileSync(file, 'utf8'));
    for (const [template, item] of Object.entries(this.spec.paths as Json)) {
      for (const [method, raw] of Object.entries(item as Json)) {
        if (!raw || typeof raw !== 'object' || !(raw as Json).operationId) continue;
        const segments = template.split('/').slice(1);
        const op: Operation = {
          operationId: (raw as Json).operationId,
          method: method.toUpperCase(),
          template,
          segments,
          params: segments.filter((s) => s.startsWith('{')).length,
          raw: raw as Json,
        };
        const list = this.byMethod.get(op.method) ?? [];
        list.push(op);
        this.byMethod.set(op.method, list);
      }
    }
    for (const list of this.byMethod.values()) list.sort((a, b) => a.params - b.params);
    const components = toJsonSchema({ components: { schemas: this.spec.components.schemas } }) as Json;
    const make = (coerceTypes: boolean) => {
      const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes, logger: false, validateSchema: false });
      addFormats(ajv);
      for (const f of [
        'uri-template',
        'int64',
        'int32',
        'binary',
        'repo.nwo',
        'ssh-key',
        'ssh-key fingerprint',
        'uuid',
        'hostname',
        'ipv4',
        'ipv6',
        'regex',
      ])
        if (!ajv.formats[f]) ajv.addFormat(f, true);
      ajv.addSchema({ $id: SPEC_ID, ...components });
      return ajv;
    };
    this.ajvBody = make(false);
    this.ajvParams = make(true);
  }

  /** Follows OpenAPI-level `$ref`s (parameters, responses, request bodies) inside the raw document. */
  private deref<T = Json>(node: Json): T {
    let current = node;
    for (let i = 0; i < 10 && typeof current?.$ref === 'string'; i++) {
      current = current.$ref
        .slice(2)
        .split('/')
        .reduce((o: Json, k: string) => o?.[k], this.spec);
    }
    return current as T;
  }

  match(method: string, rawPath: string): MatchedOperation | undefined {
    const parts = rawPath.split('/').slice(1);
    const candidates = this.byMethod.get(method.toUpperCase()) ?? [];
    // First try one segment per parameter; then let the last parameter swallow the rest (git refs like `heads/main`
    // sent with an unencoded slash).
    for (const greedyTail of [false, true]) {
      for (const op of greedyTail ? [...candidates].sort((a, b) => b.segments.length - a.segments.length) : candidates) {
        const params = matchSegments(op.segments, parts, greedyTail);
        if (params) return { operationId: op.operationId, method: op.method, template: op.template, pathParams: params };
      }
    }
    return undefined;
  }

  private compile(operationId: string, method: string, template: string): CompiledOperation {
    const key = `${method} ${template}`;
    const cached = this.compiled.get(key);
    if (cached) return cached;
    const op = this.deref(this.spec.paths[template][method.toLowerCase()]);
    const parameters = ((op.parameters ?? []) as Json[]).map((p) => this.deref(p));
    const paramSchema = (where: string) => {
      const list = parameters.filter((p) => p.in === where);
      if (list.length === 0) return undefined;
      return this.ajvParams.compile(
        toJsonSchema({
          type: 'object',
          properties: Object.fromEntries(list.map((p) => [p.name, p.schema ?? {}])),
          required: list.filter((p) => p.required).map((p) => p.name),
        }) as Json,
      );
    };
    const requestBody = op.requestBody ? this.deref(op.requestBody) : undefined;
    const jsonBody = requestBody?.content?.['application/json']?.schema;
    const compiled: CompiledOperation = {
      path: paramSchema('path'),
      query: paramSchema('query'),
      body: jsonBody ? this.ajvBody.compile(toJsonSchema(jsonBody) as Json) : undefined,
      bodyRequired: Boolean(requestBody?.required),
      bodyIsJson: Boolean(jsonBody),
      responses: new Map(),
    };
    void operationId;
    this.compiled.set(key, compiled);
    return compiled;
  }

  /** Problems GitHub would reject the request for; empty when it conforms. */
  validateRequest(op: MatchedOperation, request: { query: Record<string, string>; body: unknown; hasBody: boolean }): string[] {
    const c = this.compile(op.operationId, op.method, op.template);
    const problems: string[] = [];
    if (c.path && !c.path({ ...op.pathParams })) problems.push(...describe('path', c.path.errors));
    if (c.query && !c.query({ ...request.query })) problems.push(...describe('query', c.query.errors));
    if (c.bodyIsJson) {
      if (!request.hasBody) {
        if (c.bodyRequired) problems.push('body: required but missing');
      } else if (c.body && !c.body(request.body)) problems.push(...describe('body', c.body.errors));
    }
    return problems;
  }

  /** Problems with the emulator's own answer: an undocumented success status or a JSON body off the schema. */
  validateResponse(op: MatchedOperation, status: number, body: unknown): string[] {
    const c = this.compile(op.operationId, op.method, op.template);
    const key = String(status);
    if (!c.responses.has(key)) {
      const raw = this.deref(this.spec.paths[op.template][op.method.toLowerCase()]).responses ?? {};
      const documented = raw[key] ?? (status >= 400 ? raw.default : undefined);
      if (!documented) {
        // GitHub documents few of its error answers (401, 403 on most operations); only successes must be listed.
        if (status < 400) return [`status ${status} is not documented for ${op.operationId}`];
        c.responses.set(key, null);
      } else {
        const schema = this.deref(documented).content?.['application/json']?.schema;
        c.responses.set(key, schema ? this.ajvBody.compile(toJsonSchema(schema) as Json) : null);
      }
    }
    const validate = c.responses.get(key);
    if (!validate || body === undefined) return [];
    return validate(body) ? [] : describe(`response ${status}`, validate.errors);
  }
}

/** Path parameters whose values may contain `/` (git refs, file paths, tag names). */
const GREEDY_PARAMS = new Set(['{ref}', '{path}', '{tag}']);

function matchSegments(template: string[], parts: string[], greedyTail: boolean): Record<string, string> | undefined {
  if (greedyTail ? parts.length < template.length : parts.length !== template.length) return undefined;
  if (greedyTail && !GREEDY_PARAMS.has(template[template.length - 1] ?? '')) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const t = template[i]!;
    const isLast = i === template.length - 1;
    const part = greedyTail && isLast ? parts.slice(i).join('/') : parts[i]!;
    if (t.startsWith('{') && t.endsWith('}')) {
      if (part === '') return undefined;
      params[t.slice(1, -1)] = safeDecode(part);
    } else if (t !== part) return undefined;
  }
  return params;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function describe(where: string, errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? [])
    .slice(0, 8)
    .map(
      (e) =>
        `${where}${e.instancePath || ''}: ${e.message ?? e.keyword}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`,
    );
}

let shared: OpenApi | undefined;

/** The process-wide checker, loaded on first use. */
export function openApi(): OpenApi {
  if (!shared) {
    const require = createRequire(import.meta.url);
    shared = new OpenApi(require.resolve('@octokit/openapi/generated/api.github.com.json'));
  }
  return shared;
}
