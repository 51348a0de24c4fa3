import type { GeminiSchema } from './gemini-wire-types.js';

type JsonRecord = Record<string, unknown>;

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keywords copied unchanged: the part of JSON Schema that Gemini's OpenAPI 3.0 `Schema` shares. */
const copiedKeywords = [
  'format',
  'title',
  'description',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'default',
  'example',
  'propertyOrdering',
] as const;

/** `$ref` chains deeper than this (recursive schemas) become a plain `{ type: 'object' }`. */
const maxRefDepth = 8;

interface Context {
  /** `$defs` / `definitions` of the root schema, for local `$ref`s. */
  definitions: JsonRecord;
  refDepth: number;
}

function resolveRef(ref: string, context: Context): unknown {
  const match = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref);
  if (!match?.[1]) return undefined;
  const name = match[1].replace(/~1/g, '/').replace(/~0/g, '~');
  return context.definitions[name];
}

function isEmptyObjectSchema(schema: JsonRecord): boolean {
  return (
    schema.type === 'object' &&
    (schema.properties === undefined || (isRecord(schema.properties) && Object.keys(schema.properties).length === 0)) &&
    schema.anyOf === undefined &&
    schema.oneOf === undefined &&
    schema.allOf === undefined
  );
}

/** `allOf` has no Gemini equivalent: its members are merged (properties and `required` united). */
function mergeAllOf(members: unknown[], context: Context): GeminiSchema {
  const merged: GeminiSchema = {};
  for (const member of members) {
    const converted = convertNode(member, context);
    const { properties, required, ...rest } = converted;
    Object.assign(merged, rest);
    if (properties) merged.properties = { ...merged.properties, ...properties };
    if (required) merged.required = [...new Set([...(merged.required ?? []), ...required])];
  }
  return merged;
}

function convertUnion(members: unknown[], context: Context): GeminiSchema {
  const isNull = (member: unknown): boolean => isRecord(member) && member.type === 'null';
  const nonNull = members.filter((member) => !isNull(member));
  const nullable = nonNull.length < members.length;
  if (nonNull.length === 1) {
    const single = convertNode(nonNull[0], context);
    return nullable ? { ...single, nullable: true } : single;
  }
  const result: GeminiSchema = { anyOf: nonNull.map((member) => convertNode(member, context)) };
  if (nullable) result.nullable = true;
  return result;
}

function convertNode(node: unknown, context: Context): GeminiSchema {
  // `true` / `{}` accept anything; Gemini needs a type, and an unconstrained object is the closest.
  if (!isRecord(node)) return { type: 'object' };
  if (typeof node.$ref === 'string') {
    const target = resolveRef(node.$ref, context);
    if (target === undefined || context.refDepth >= maxRefDepth) return { type: 'object' };
    const resolved = convertNode(target, { ...context, refDepth: context.refDepth + 1 });
    return typeof node.description === 'string' ? { ...resolved, description: node.description } : resolved;
  }

  const result: GeminiSchema = {};
  for (const keyword of copiedKeywords) {
    if (node[keyword] !== undefined) (result as JsonRecord)[keyword] = node[keyword];
  }

  const { type } = node;
  if (Array.isArray(type)) {
    const types = type.filter((entry): entry is string => typeof entry === 'string');
    const nonNull = types.filter((entry) => entry !== 'null');
    if (nonNull.length === 0) result.type = 'null';
    else if (nonNull.length === 1) result.type = nonNull[0];
    else result.anyOf = nonNull.map((entry) => ({ type: entry }));
    if (nonNull.length > 0 && nonNull.length < types.length) result.nullable = true;
  } else if (typeof type === 'string') {
    result.type = type;
  }
  if (node.nullable === true) result.nullable = true;

  if (node.const !== undefined) result.enum = [node.const];
  if (Array.isArray(node.enum)) result.enum = node.enum;
  // Gemini accepts only string enums (`format: enum` on a string).
  if (result.enum?.every((value) => typeof value === 'string') && result.type === undefined) result.type = 'string';

  if (isRecord(node.properties)) {
    const properties: Record<string, GeminiSchema> = {};
    for (const [name, value] of Object.entries(node.properties)) properties[name] = convertNode(value, context);
    result.properties = properties;
  }
  if (Array.isArray(node.required)) {
    result.required = node.required.filter((name): name is string => typeof name === 'string');
  }
  if (node.items !== undefined) {
    // Tuple `items: [...]` has no equivalent; the first member stands for all.
    result.items = convertNode(Array.isArray(node.items) ? node.items[0] : node.items, context);
  } else if (Array.isArray(node.prefixItems) && node.prefixItems.length > 0) {
    result.items = convertNode(node.prefixItems[0], context);
  }

  const union = Array.isArray(node.anyOf) ? node.anyOf : Array.isArray(node.oneOf) ? node.oneOf : undefined;
  if (union) Object.assign(result, convertUnion(union, context));
  if (Array.isArray(node.allOf)) Object.assign(result, mergeAllOf(node.allOf, context));

  if (isEmptyObjectSchema(node) && result.properties !== undefined) delete result.properties;
  return result;
}

/**
 * Converts a JSON Schema (as OpenAI tools and `json_schema` response formats carry it) into the OpenAPI
 * 3.0 subset Gemini accepts: `$schema`, `$id`, `additionalProperties`, `strict`, `not`, `if/then/else`,
 * `exclusiveMinimum/Maximum`, `multipleOf`, `uniqueItems`, `patternProperties` and other unknown keywords
 * are dropped; local `$ref`s (`#/$defs/…`, `#/definitions/…`) are inlined (recursion capped); `const`
 * becomes a one-value `enum`; `type: [T, 'null']` and `anyOf/oneOf` with a `null` member become
 * `nullable: true`; `oneOf` becomes `anyOf`; `allOf` members are merged.
 *
 * Returns `undefined` for a root schema that constrains nothing (`{}`, an object with no properties),
 * which Gemini rejects as parameters: such a function is declared without `parameters`.
 */
export function convertJsonSchemaToOpenAPI(schema: unknown): GeminiSchema | undefined {
  if (!isRecord(schema)) return undefined;
  if (isEmptyObjectSchema(schema)) return undefined;
  const definitions = {
    ...(isRecord(schema.definitions) ? schema.definitions : {}),
    ...(isRecord(schema.$defs) ? schema.$defs : {}),
  };
  const converted = convertNode(schema, { definitions, refDepth: 0 });
  const constrains = converted.type !== undefined || converted.properties !== undefined || converted.anyOf !== undefined;
  return constrains ? converted : undefined;
}
