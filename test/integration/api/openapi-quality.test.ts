/** What a reader of openapi.yaml (or of /docs) is owed: named responses, examples, tags, one schema per shape. */
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorCatalogue } from '../../../src/api/errors/error-catalogue.ts';
import { renderOpenApi } from '../../../src/api/openapi/generate.ts';

interface Media { schema?: unknown; examples?: Record<string, { summary?: string; value: { status: number; code: keyof typeof errorCatalogue } }> }
interface Operation { tags?: string[]; responses: Record<string, { description?: string; content?: Record<string, Media> }> }
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
