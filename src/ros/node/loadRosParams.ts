import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import type { ParameterDeclaration, ParameterKind, ParameterValue } from '../transport/index.js';
import { describeZodIssues } from '../../core/config/describeZodIssues.js';
import { isUnsafeKey } from '../../core/config/isUnsafeKey.js';

/** A params file or override that does not fit the node's parameters; the message names file and key. */
export class RosParamsError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RosParamsError';
  }
}

type Schema = z.ZodObject;

/**
 * A node's parameters from ROS 2 params YAML text: the `ros__parameters` of `/**` first, then
 * those of the node's own section (`name`, `/name` or `/ns/name`), then `overrides`
 * (`key.path=value`, the value read as YAML), validated by `schema`. Sections of other nodes
 * are ignored; unknown keys in ours are errors. `source` names the text in errors.
 */
export function parseRosParams<S extends Schema>(
  schema: S,
  nodeName: string,
  text: string | undefined,
  overrides: readonly string[] = [],
  source = 'params',
): z.infer<S> {
  const merged: Record<string, unknown> = {};
  if (text !== undefined) {
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (error) {
      throw new RosParamsError(`${source} is not valid YAML: ${(error as Error).message}`, { cause: error });
    }
    if (doc !== null && doc !== undefined) {
      if (!isRecord(doc)) throw new RosParamsError(`${source}: expected node names at the top level (e.g. ${nodeName}: ros__parameters: ...)`);
      const bare = nodeName.replace(/^\//, '');
      const keys = Object.keys(doc);
      const ours = ['/**', ...keys.filter((k) => k !== '/**' && (k === bare || k === `/${bare}` || k.endsWith(`/${bare}`)))];
      for (const key of ours) {
        const section = doc[key];
        if (section === undefined) continue;
        if (!isRecord(section) || !isRecord(section.ros__parameters)) {
          throw new RosParamsError(`${source}: section '${key}' must hold a 'ros__parameters' mapping`);
        }
        deepMerge(merged, expandDotted(section.ros__parameters));
      }
    }
  }
  for (const override of overrides) {
    const eq = override.indexOf('=');
    if (eq <= 0) throw new RosParamsError(`parameter override '${override}': expected name=value (e.g. topics.rgb=/cam/image)`);
    const text = override.slice(eq + 1);
    // An empty value is an empty string (a topic turned off), not YAML's null.
    let value: unknown = '';
    try {
      if (text !== '') value = parseYaml(text);
    } catch (error) {
      throw new RosParamsError(`parameter override '${override}': its value is not valid YAML: ${(error as Error).message}`, { cause: error });
    }
    deepMerge(merged, expandDotted({ [override.slice(0, eq)]: value }));
  }
  const result = schema.safeParse(merged);
  if (!result.success) {
    const text = describeZodIssues(result.error.issues, merged, { unknown: (k) => `unknown parameter '${k}'`, key: (k) => `parameter '${k || '(root)'}'` });
    throw new RosParamsError(`${source} (node ${nodeName}): ${text}`);
  }
  return result.data as z.infer<S>;
}

/** `parseRosParams` of a file (`path` undefined: defaults and overrides only). */
export function loadRosParams<S extends Schema>(schema: S, nodeName: string, path: string | undefined, overrides: readonly string[] = []): z.infer<S> {
  let text: string | undefined;
  if (path !== undefined) {
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new RosParamsError(`params file ${path} cannot be read: ${(error as Error).message}`, { cause: error });
    }
  }
  const source = [path === undefined ? undefined : `params file ${path}`, overrides.length > 0 ? 'overrides' : undefined].filter(Boolean).join(' + ');
  return parseRosParams(schema, nodeName, text, overrides, source || 'defaults');
}

/**
 * The parameters as ROS 2 declarations: dotted names, types from the schema (an integer
 * schema declares an integer, any other number a double), descriptions from `.describe()`.
 */
export function parameterDeclarations(schema: Schema, values: Readonly<Record<string, unknown>>, prefix = ''): ParameterDeclaration[] {
  const out: ParameterDeclaration[] = [];
  for (const [key, field] of Object.entries(schema.shape) as Array<[string, z.ZodType]>) {
    const name = prefix === '' ? key : `${prefix}.${key}`;
    const inner = unwrap(field);
    const value = values[key];
    if (inner.def.type === 'object') {
      out.push(...parameterDeclarations(inner as unknown as Schema, value as Record<string, unknown>, name));
      continue;
    }
    out.push({ name, kind: kindOf(inner, name), value: value as ParameterValue, description: field.description ?? inner.description ?? '' });
  }
  return out;
}

function kindOf(schema: z.ZodType, name: string): ParameterKind {
  switch (schema.def.type) {
    case 'boolean':
      return 'bool';
    case 'string':
    case 'enum':
      return 'string';
    case 'number':
      return (schema as unknown as { isInt: boolean }).isInt ? 'integer' : 'double';
    case 'array': {
      const element = unwrap((schema.def as unknown as { element: z.ZodType }).element);
      const k = kindOf(element, name);
      if (k.endsWith('_array')) break;
      return `${k}_array` as ParameterKind;
    }
    default:
      break;
  }
  throw new TypeError(`parameter '${name}': schema type ${schema.def.type} has no ROS 2 parameter type`);
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (;;) {
    const inner = (s.def as unknown as { innerType?: z.ZodType }).innerType;
    if (inner === undefined) return s;
    s = inner;
  }
}

/**
 * `{ "a.b": 1 }` -> `{ a: { b: 1 } }` (ROS params files may use either). A key that would
 * write to a prototype (`__proto__.x`) is refused, naming it.
 */
function expandDotted(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const path = key.split('.');
    const unsafe = path.find(isUnsafeKey);
    if (unsafe !== undefined) throw new RosParamsError(`parameter '${key}': '${unsafe}' is not a parameter name`);
    let node = out;
    for (const segment of path.slice(0, -1)) {
      if (!isRecord(own(node, segment))) node[segment] = {};
      node = node[segment] as Record<string, unknown>;
    }
    const last = path[path.length - 1];
    const existing = own(node, last);
    node[last] = isRecord(v) ? deepMerge(isRecord(existing) ? existing : {}, expandDotted(v)) : v;
  }
  return out;
}

function deepMerge(target: Record<string, unknown>, source: Record<string, unknown>): Record<string, unknown> {
  for (const [key, v] of Object.entries(source)) {
    if (isUnsafeKey(key)) throw new RosParamsError(`parameter '${key}' is not a parameter name`);
    const t = own(target, key);
    target[key] = isRecord(v) && isRecord(t) ? deepMerge(t, v) : v;
  }
  return target;
}

/** `node[key]` when `node` has it itself, not through its prototype. */
function own(node: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(node, key) ? node[key] : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

