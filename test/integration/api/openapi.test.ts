import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { clientTypesPath, renderClientTypes } from '../../../src/api/openapi/client-types.ts';
import { openApiPath, renderOpenApi } from '../../../src/api/openapi/generate.ts';
import { idempotentSubmissions } from '../../../src/client/retry.ts';

/** The API of PRODUCT.md (plus what Descent adds); each must be documented. */
const contractOperations = [
  ['post', '/v1/runs'], ['get', '/v1/runs'], ['get', '/v1/runs/{id}'], ['get', '/v1/runs/{id}/metrics'],
  ['get', '/v1/runs/{id}/events'], ['post', '/v1/runs/{id}/cancel'], ['get', '/v1/runs/{id}/landscape'],
  ['post', '/v1/objectives'], ['get', '/v1/objectives'], ['get', '/v1/objectives/{id}'], ['post', '/v1/objectives/check'],
  ['post', '/v1/datasets'], ['get', '/v1/datasets'], ['get', '/v1/datasets/{id}'], ['get', '/v1/datasets/{id}/data'],
  ['get', '/v1/optimizers'], ['get', '/v1/benchmarks'], ['get', '/v1/metric-fields'], ['get', '/v1/runs/{id}/parameters'], ['get', '/healthz'], ['get', '/readyz'], ['get', '/metrics'],
] as const;

describe('openapi.yaml', () => {
  it('matches the routes (run `npm run openapi` after changing a route or schema)', async () => {
    const generated = await renderOpenApi();
    const committed = await readFile(openApiPath, 'utf8');
    expect(committed, 'openapi.yaml is out of date: run `npm run openapi`').toBe(generated);
  });

  it("gives the client's types (run `npm run openapi` after changing a route or schema)", async () => {
    const generated = await renderClientTypes(await renderOpenApi());
    const committed = await readFile(clientTypesPath, 'utf8');
    expect(committed, 'src/client/openapi-types.ts is out of date: run `npm run openapi`').toBe(generated);
  });

  it('names to the client every route that honours Idempotency-Key', async () => {
    const document = parse(await renderOpenApi());
    const honouring = Object.entries(document.paths as Record<string, Record<string, { parameters?: { in: string; name: string }[] }>>)
      .filter(([, operations]) => operations.post?.parameters?.some((parameter) => parameter.in === 'header' && parameter.name === 'idempotency-key'))
      .map(([path]) => path);
    expect([...idempotentSubmissions].sort()).toEqual(honouring.sort());
  });

  it('declares 503 service_busy on the routes that wait for a pool of their own (uploads, whole-range exports)', async () => {
    const document = parse(await renderOpenApi());
    expect(Object.keys(document.paths['/v1/datasets'].post.responses)).toContain('503');
    expect(Object.keys(document.paths['/v1/runs/{id}/metrics'].get.responses)).toContain('503');
  });

  it('documents every route of the contract with its request and response schemas', async () => {
    const document = parse(await renderOpenApi());
    for (const [method, path] of contractOperations) expect(document.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    const submit = document.paths['/v1/runs'].post;
    expect(submit.requestBody.content['application/json'].schema).toBeDefined();
    expect(Object.keys(submit.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '413', '429']));
    expect(document.components.schemas).toHaveProperty('Problem');
    expect(document.components.schemas).toHaveProperty('RunSpec');
  });

  it('puts every /v1 operation behind the API key and documents its errors as problem+json', async () => {
    const document = parse(await renderOpenApi());
    expect(document.paths['/healthz'].get.security).toBeUndefined();
    for (const [path, operations] of Object.entries(document.paths as Record<string, Record<string, { security?: unknown; responses: Record<string, { content?: Record<string, unknown> }> }>>)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (path.startsWith('/v1/')) expect(operation.security, `${method} ${path}`).toEqual([{ apiKey: [] }]);
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) >= 400 && response.content) {
            expect(Object.keys(response.content), `${method} ${path} ${status}`).toEqual(['application/problem+json']);
          }
        }
      }
    }
    expect(Object.keys(document.paths['/v1/runs/{id}/events'].get.responses['200'].content)).toEqual(['text/event-stream']);
    expect(Object.keys(document.paths['/v1/runs/{id}/metrics'].get.responses['200'].content)).toEqual(['application/json', 'text/csv']);
  });
});
