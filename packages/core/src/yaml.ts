/**
 * The one YAML loading policy (issue #12): every YAML file mlci reads — mlci.yml, drift settings, params.yaml,
 * dvc files, MLproject, MLmodel, compare specs — goes through here, so a hostile file is refused the same way
 * everywhere: a size cap, a bounded alias expansion (billion laughs), only the YAML 1.2 core tags (no
 * `!!python/object`, `!!binary` or custom tags), and an MlciError naming the file and line instead of a crash.
 */
import { stat } from 'node:fs/promises';
import { Document, LineCounter, isNode, parseDocument, visit, type Node } from 'yaml';
import { inputError } from './errors';
import { readTextFile } from './fs';

/** Largest YAML file read, in bytes. Config and params files are kilobytes; 4 MiB leaves room for big dvc.lock files. */
export const YAML_MAX_BYTES = 4 * 1024 * 1024;
/** Alias expansions allowed (the yaml package's measure): enough for anchors in real configs, not for a bomb. */
export const YAML_MAX_ALIAS_COUNT = 100;

/** Deepest nesting of flow collections ([ ], { }). The parser would recurse (seconds and gigabytes on 4 MB of `[`). */
export const YAML_MAX_FLOW_DEPTH = 256;

/**
 * The line where unquoted `[`/`{` nesting first exceeds `limit`, or null. A linear pre-scan so that a hostile file
 * is refused before the recursive parser sees it; quotes and comments are skipped, so brackets in strings do not count.
 */
function flowDepthBeyond(text: string, limit: number): number | null {
  let depth = 0;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else if ((c === '"' || c === "'") && (i === 0 || /[\s[{,:]/.test(text[i - 1]))) {
      // A quote opens a quoted scalar only where a scalar can start, as in YAML itself.
      for (i++; i < text.length && text[i] !== c; i++) {
        if (text[i] === '\n') line++;
        else if (c === '"' && text[i] === '\\') i++;
      }
    } else if (c === '[' || c === '{') {
      if (++depth > limit) return line;
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return null;
}

const CORE_TAGS = new Set(['str', 'map', 'seq', 'int', 'float', 'bool', 'null'].map((t) => `tag:yaml.org,2002:${t}`));

export interface YamlOptions {
  /** Size cap in bytes. @default YAML_MAX_BYTES */
  maxBytes?: number;
}

export interface ParsedYaml {
  /** The document as plain JavaScript values. */
  value: unknown;
  doc: Document;
  lineCounter: LineCounter;
  /** 1-based line of the node at `path` (keys and indexes), or undefined when there is none. */
  lineOf(path: ReadonlyArray<string | number>): number | undefined;
}

/** Parses YAML text under the policy; `file` names the source in errors. */
export function parseYamlDocument(text: string, file: string, options: YamlOptions = {}): ParsedYaml {
  const maxBytes = options.maxBytes ?? YAML_MAX_BYTES;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) {
    throw inputError(`YAML file is ${bytes.toLocaleString('en-US')} bytes, above the ${maxBytes.toLocaleString('en-US')}-byte limit`, {
      file,
      hint: 'a configuration file this large is not one mlci writes or expects; check that the right file is named',
    });
  }
  const deep = flowDepthBeyond(text, YAML_MAX_FLOW_DEPTH);
  if (deep !== null) {
    throw inputError(`not valid YAML: [ ] / { } nested more than ${YAML_MAX_FLOW_DEPTH} levels deep`, {
      file,
      line: deep,
      hint: 'the file is nested too deeply; no configuration mlci reads needs this',
    });
  }
  const lineCounter = new LineCounter();
  const lineAt = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, schema: 'core', uniqueKeys: true });
  } catch (error) {
    // The parser reports most problems as doc.errors; anything thrown (a stack overflow on deep nesting) is the same kind of refusal.
    throw inputError(`not valid YAML: ${(error as Error).message.split('\n')[0]}`, {
      file,
      hint: 'the file is nested too deeply or is not YAML',
    });
  }
  const first = doc.errors[0] ?? doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (first) {
    const hint =
      first.code === 'TAG_RESOLVE_FAILED'
        ? 'only plain YAML is read: remove the tag (strings, numbers, booleans, lists and mappings need none)'
        : first.code === 'RESOURCE_EXHAUSTION'
          ? 'the file is nested too deeply'
          : 'check indentation and quoting on that line';
    throw inputError(`not valid YAML: ${first.message.split('\n')[0]}`, { file, line: lineAt(first.pos[0]), hint });
  }
  // Explicit tags outside the core schema (`!!binary`, `!!set`, `!custom`) would turn text into other types.
  visit(doc, (_key, node) => {
    const tag = isNode(node) ? (node as Node).tag : undefined;
    if (tag && !CORE_TAGS.has(tag)) {
      throw inputError(`not valid YAML: tag ${tag} is not allowed`, {
        file,
        line: lineAt((node as Node).range?.[0]),
        hint: 'only plain YAML is read: remove the tag (strings, numbers, booleans, lists and mappings need none)',
      });
    }
  });
  let value: unknown;
  try {
    // Maps first, then objects whose every key is an own property: `__proto__: 3` in a params or metrics file is
    // a key like any other, where plain assignment would set (or silently drop) the object's prototype.
    value = ownKeys(doc.toJS({ maxAliasCount: YAML_MAX_ALIAS_COUNT, mapAsMap: true }));
  } catch (error) {
    const bomb = /alias count/i.test((error as Error).message);
    throw inputError(
      bomb
        ? `YAML aliases expand beyond the limit (${YAML_MAX_ALIAS_COUNT}): a resource-exhaustion ("billion laughs") document`
        : `not valid YAML: ${(error as Error).message.split('\n')[0]}`,
      {
        file,
        hint: bomb ? 'write the values out instead of nesting anchors and aliases' : 'check the file is plain YAML',
      },
    );
  }
  const lineOf = (path: ReadonlyArray<string | number>) => {
    const node = path.length ? doc.getIn(path, true) : doc.contents;
    return isNode(node) && node.range ? lineAt(node.range[0]) : undefined;
  };
  return { value, doc, lineCounter, lineOf };
}

/** Maps (from `mapAsMap`) as plain objects built with defineProperty, lists element by element. */
function ownKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ownKeys);
  if (!(value instanceof Map)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of value)
    Object.defineProperty(out, String(key), { value: ownKeys(item), enumerable: true, writable: true, configurable: true });
  return out;
}

/** Parses YAML (or JSON) text under the policy and returns its value. */
export function parseYaml(text: string, file: string, options: YamlOptions = {}): unknown {
  return parseYamlDocument(text, file, options).value;
}

/** Reads and parses a YAML file under the policy; a missing file is an MlciError naming it. */
export async function readYamlFile(file: string, options: YamlOptions = {}): Promise<ParsedYaml> {
  // Refuse an oversized file before reading it into memory.
  const size = await stat(file).then(
    (s) => s.size,
    () => 0,
  );
  const maxBytes = options.maxBytes ?? YAML_MAX_BYTES;
  if (size > maxBytes)
    throw inputError(`YAML file is ${size.toLocaleString('en-US')} bytes, above the ${maxBytes.toLocaleString('en-US')}-byte limit`, {
      file,
      hint: 'a configuration file this large is not one mlci writes or expects; check that the right file is named',
    });
  return parseYamlDocument(await readTextFile(file), file, options);
}
