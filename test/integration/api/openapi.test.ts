import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { openApiPath, renderOpenApi } from '../../../src/api/openapi/generate.ts';

describe('openapi.yaml', () => {
  it('matches the routes (run `npm run openapi` after changing a route or schema)', async () => {
    const generated = await renderOpenApi();
    const committed = await readFile(openApiPath, 'utf8');
    expect(committed, 'openapi.yaml is out of date: run `npm run openapi`').toBe(generated);
  });

  it('documents every route with its request and response schemas', async () => {
    const document = parse(await renderOpenApi());
    expect(Object.keys(document.paths).sort()).toEqual(['/healthz', '/metrics', '/readyz', '/v1/runs', '/v1/runs/{id}']);
    const submit = document.paths['/v1/runs'].post;
    expect(submit.requestBody.content['application/json'].schema).toBeDefined();
    expect(Object.keys(submit.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '413', '429']));
    expect(submit.security).toEqual([{ apiKey: [] }]);
    expect(document.paths['/healthz'].get.security).toBeUndefined();
    expect(document.components.schemas).toHaveProperty('Problem');
    expect(document.components.schemas).toHaveProperty('RunSpec');
  });
});
