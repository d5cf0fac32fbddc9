/** What a reader of openapi.yaml (or of /docs) is owed: named responses, examples, tags, one schema per shape. */
import { isDeepStrictEqual } from 'node:util';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorCatalogue } from '../../../src/api/errors/error-catalogue.ts';
import { renderOpenApi } from '../../../src/api/openapi/generate.ts';
import { responseExamples } from '../../../src/api/openapi/response-examples.ts';
import { asJsonSchemaDocument } from '../client/openapi-json-schema.ts';

interface Media { schema?: unknown; examples?: Record<string, { summary?: string; value: { status: number; code: keyof typeof errorCatalogue; errors?: { path: string }[] } }> }
interface Operation { tags?: string[]; parameters?: { in: string; name: string }[]; requestBody?: unknown; responses: Record<string, { description?: string; content?: Record<string, Media> }> }
interface Document {
  tags: { name: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

describe('the OpenAPI document reads well', () => {
  let document: Document;
  const operations = () => Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, operation })));

  beforeAll(async () => {
    document = parse(await renderOpenApi()) as Document;
  });

  it('names every response: no "Default Response"', () => {
    for (const { name, operation } of operations()) {
      for (const [status, response] of Object.entries(operation.responses)) {
        expect(response.description, `${name} ${status}`).toBeTruthy();
        expect(response.description, `${name} ${status}`).not.toBe('Default Response');
      }
    }
  });

  it('gives every error response an example problem of a code the catalogue has at that status', () => {
    let examples = 0;
    for (const { name, operation } of operations()) {
      for (const [status, response] of Object.entries(operation.responses)) {
        const problem = response.content?.['application/problem+json'];
        if (!problem || name === 'GET /readyz') continue;
        const values = Object.values(problem.examples ?? {});
        expect(values.length, `${name} ${status}`).toBeGreaterThan(0);
        for (const { value } of values) {
          expect(value.status, `${name} ${status}`).toBe(Number(status));
          expect(errorCatalogue[value.code]?.status, `${name} ${status} ${value.code}`).toBe(Number(status));
          examples += 1;
        }
      }
    }
    expect(examples).toBeGreaterThan(100);
  });

  // The catalogues (GET /v1/optimizers, /v1/benchmarks) were once shown a cursor's 400, which they never give.
  it('shows invalid_cursor as the 400 of the routes taking a cursor only, and a bad query field where there is no body', () => {
    const shown = operations().flatMap(({ name, operation }) => {
      const example = Object.values(operation.responses['400']?.content?.['application/problem+json']?.examples ?? {})[0]?.value;
      if (example === undefined) return [];
      const query = (operation.parameters ?? []).filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name);
      return [{ name, code: example.code, paged: query.includes('cursor'), body: operation.requestBody !== undefined, field: example.errors?.[0]?.path, query }];
    });
    expect(shown.filter(({ name }) => name === 'GET /v1/optimizers' || name === 'GET /v1/benchmarks').map(({ code }) => code)).toEqual(['validation_failed', 'validation_failed']);
    for (const { name, code, paged, body, field, query } of shown) {
      expect([name, code]).toEqual([name, paged ? 'invalid_cursor' : 'validation_failed']);
      // A field the request has: a query parameter the route does not take, on a route without a body.
      if (code === 'validation_failed' && !body) expect([name, query.includes(field!), field]).toEqual([name, false, 'lmit']);
    }
    expect(shown.filter(({ paged }) => paged).length).toBeGreaterThan(4);
  });

  // POST /v1/objectives, /v1/objectives/check and /v1/datasets were once shown a bad `optimizer.learningRate`, a field of a run's body.
  it('names in the 400 example of each route taking a body fields of that route\'s own body', () => {
    const { schemas } = document.components;
    type Schema = Record<string, unknown>;
    /** The schemas a JSON path leads to from `schema`, through references and every branch of a union. */
    const reach = (schema: Schema | undefined, keys: readonly (string | number)[]): Schema[] => {
      if (schema === undefined) return [];
      if (typeof schema.$ref === 'string') return reach(schemas[schema.$ref.split('/').pop()!] as Schema, keys);
      const branches = [...(schema.allOf ?? []) as Schema[], ...(schema.anyOf ?? []) as Schema[], ...(schema.oneOf ?? []) as Schema[]];
      const [key, ...rest] = keys;
      if (branches.length > 0) return branches.flatMap((branch) => reach({ ...schema, allOf: undefined, anyOf: undefined, oneOf: undefined, ...branch }, keys));
      // The end of the path, or a schema that takes anything (a sweep's `base`, checked as a run spec).
      if (key === undefined || (schema.type === undefined && schema.properties === undefined && schema.items === undefined)) return [schema];
      if (typeof key === 'number') return reach(schema.items as Schema | undefined, rest);
      const field = (schema.properties as Record<string, Schema> | undefined)?.[key];
      const other = typeof schema.additionalProperties === 'object' ? schema.additionalProperties as Schema : undefined;
      return reach(field ?? other, rest);
    };
    const keysOf = (path: string) => [...path.matchAll(/\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|([^.[\]]+)/g)]
      .map(([, index, quoted, name]) => (index !== undefined ? Number(index) : quoted !== undefined ? JSON.parse(`"${quoted}"`) as string : name!));
    const named = operations().filter(({ operation }) => operation.requestBody !== undefined).flatMap(({ name, operation }) => {
      const body = (operation.requestBody as { content: Record<string, { schema: Schema }> }).content['application/json']!.schema;
      const examples = Object.values(operation.responses['400']?.content?.['application/problem+json']?.examples ?? {});
      return examples.flatMap(({ value }) => (value.errors ?? []).map(({ path }) => ({ name, path, inBody: reach(body, keysOf(path)).length > 0 })));
    });
    expect(named.map(({ name }) => name).sort()).toEqual(['POST /v1/datasets', 'POST /v1/objectives', 'POST /v1/objectives/check', 'POST /v1/runs', 'POST /v1/sweeps']);
    expect(named.filter(({ inBody }) => !inBody)).toEqual([]);
  });

  it('gives every error example a problem the Problem schema accepts, with usedBy for an objective or dataset in use', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema(asJsonSchemaDocument(document) as object, 'openapi');
    const validate = ajv.getSchema('openapi#/components/schemas/Problem')!;
    const inUse = new Set<string>();
    for (const { name, operation } of operations()) {
      for (const [status, response] of Object.entries(operation.responses)) {
        for (const { value } of Object.values(response.content?.['application/problem+json']?.examples ?? {})) {
          if (!validate(value)) throw new Error(`${name} ${status}: the example breaks the schema: ${ajv.errorsText(validate.errors)}`);
          if (value.code !== 'objective_in_use' && value.code !== 'dataset_in_use') continue;
          expect((value as { usedBy?: { runIds: string[] } }).usedBy?.runIds.length, `${name} ${status}`).toBeGreaterThan(0);
          inUse.add(value.code);
        }
      }
    }
    expect([...inUse].sort()).toEqual(['dataset_in_use', 'objective_in_use']);
  });

  it('shows every JSON answer of a success with an example that its response schema accepts', () => {
    for (const { name, operation } of operations()) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) >= 300 || status === '204' || !response.content?.['application/json']) continue;
        expect(`${name} ${status}` in responseExamples, `${name} ${status} has an example`).toBe(true);
      }
    }
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema(asJsonSchemaDocument(document) as object, 'openapi');
    for (const key of Object.keys(responseExamples)) {
      const [method, path, status] = key.split(' ');
      const media = document.paths[path]?.[method.toLowerCase()]?.responses[status]?.content?.['application/json'] as (Media & { example?: unknown }) | undefined;
      expect(media, `${key} is a documented JSON answer`).toBeDefined();
      expect(media!.example, key).toEqual(responseExamples[key]);
      const pointer = ['paths', path, method.toLowerCase(), 'responses', status, 'content', 'application/json', 'schema']
        .map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
      const validate = ajv.getSchema(`openapi#/${pointer}`)!;
      if (!validate(media!.example)) throw new Error(`${key}: the example breaks the schema: ${ajv.errorsText(validate.errors)}`);
    }
  });

  it('tags each operation with its one resource, each tag declared and described', () => {
    const declared = new Map(document.tags.map((tag) => [tag.name, tag.description]));
    const used = new Set<string>();
    for (const { name, operation } of operations()) {
      expect(operation.tags, name).toHaveLength(1);
      expect(declared.get(operation.tags![0]), `${name}: tag ${operation.tags![0]} declared with a description`).toBeTruthy();
      used.add(operation.tags![0]);
    }
    expect([...declared.keys()].sort()).toEqual([...used].sort());
  });

  it('describes every field and parameter (a one-value discriminator and a described schema by reference aside)', () => {
    const { schemas } = document.components;
    const described = (field: Record<string, unknown>): boolean => {
      if (field.description) return true;
      if (Array.isArray(field.enum) && field.enum.length === 1) return true;
      const options = [field, ...((field.allOf ?? field.anyOf ?? []) as Record<string, unknown>[])];
      const target = options.map((option) => option.$ref).find((ref): ref is string => typeof ref === 'string');
      return target !== undefined && Boolean((schemas[target.split('/').pop()!] as { description?: string } | undefined)?.description);
    };
    const missing: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (Array.isArray(node)) return node.forEach((item, index) => walk(item, `${at}[${index}]`));
      if (typeof node !== 'object' || node === null) return;
      const schema = node as Record<string, unknown>;
      for (const [name, field] of Object.entries((schema.properties ?? {}) as Record<string, Record<string, unknown>>)) {
        if (!described(field)) missing.push(`${at}.${name}`);
        walk(field, `${at}.${name}`);
      }
      for (const key of ['items', 'anyOf', 'oneOf', 'allOf', 'additionalProperties']) walk(schema[key], `${at}/${key}`);
    };
    for (const [name, schema] of Object.entries(schemas)) walk(schema, name);
    for (const { name, operation } of operations()) {
      for (const parameter of (operation as { parameters?: { name: string; description?: string; schema?: Record<string, unknown> }[] }).parameters ?? []) {
        if (!parameter.description && !described(parameter.schema ?? {})) missing.push(`${name} ?${parameter.name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('keeps one schema per shape, each reached from an operation', () => {
    const { schemas } = document.components;
    for (const name of Object.keys(schemas).filter((schema) => schema.endsWith('Input'))) {
      const output = name.slice(0, -'Input'.length);
      if (output in schemas) expect(isDeepStrictEqual(schemas[name], schemas[output]), `${name} differs from ${output}`).toBe(false);
    }
    const text = JSON.stringify(document.paths) + JSON.stringify(schemas);
    for (const name of Object.keys(schemas)) expect(text, name).toContain(`"#/components/schemas/${name}"`);
  });
});
