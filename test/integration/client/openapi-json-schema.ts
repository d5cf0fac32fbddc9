/**
 * OpenAPI 3.0 schemas as the JSON Schema Ajv validates: `nullable` becomes a null alternative,
 * and the draft-4 booleans `exclusiveMinimum`/`exclusiveMaximum` become the bounds themselves.
 */
type Node = Record<string, unknown>;

function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert);
  if (typeof node !== 'object' || node === null) return node;
  const schema: Node = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, convert(value)]));
  for (const [flag, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (schema[flag] === true) {
      schema[flag] = schema[bound];
      delete schema[bound];
    } else if (schema[flag] === false) {
      delete schema[flag];
    }
  }
  if (schema.nullable !== true) return schema;
  delete schema.nullable;
  if (Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum = [...schema.enum, null];
  if (typeof schema.type === 'string') return { ...schema, type: [schema.type, 'null'] };
  return { anyOf: [schema, { type: 'null' }] };
}

/** The whole document with every schema converted (paths and components alike). */
export function asJsonSchemaDocument<Document>(document: Document): Document {
  return convert(document) as Document;
}
