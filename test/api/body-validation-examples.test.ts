/**
 * The 400 example of each route taking a body names a bad field of that route's body, from one
 * table (response-examples.ts): the document is not made while a route taking a body has no entry
 * there, nor while an entry names a route that takes none, or no longer exists.
 */
import { describe, expect, it } from 'vitest';
import { refineDocument } from '../../src/api/openapi/refine-document.ts';
import { bodyValidationExamples } from '../../src/api/openapi/response-examples.ts';

/** A document of `routes` (`METHOD path`), each taking a body and answering 400 with a problem. */
function documentOf(routes: readonly string[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const [method, path] = route.split(' ') as [string, string];
    paths[path] = {
      ...paths[path],
      [method.toLowerCase()]: { requestBody: { content: { 'application/json': { schema: {} } } }, responses: { 400: { content: { 'application/problem+json': { schema: {} } } } } },
    };
  }
  return { paths, components: { schemas: {} } };
}

const routes = Object.keys(bodyValidationExamples);

describe('the bad fields of the 400 examples of bodies', () => {
  it('show each route taking a body its own', () => {
    const refined = refineDocument(documentOf(routes)) as { paths: Record<string, Record<string, { responses: Record<string, { content: Record<string, { examples: Record<string, { value: { errors: unknown[] } }> }> }> }>> };
    const shown = routes.map((route) => {
      const [method, path] = route.split(' ') as [string, string];
      return refined.paths[path]![method.toLowerCase()]!.responses['400']!.content['application/problem+json']!.examples.validation_failed!.value.errors;
    });
    expect(shown).toEqual(routes.map((route) => [bodyValidationExamples[route]]));
  });

  it('refuse a route taking a body with none', () => {
    expect(() => refineDocument(documentOf([...routes, 'PUT /v1/runs/{id}']))).toThrow('PUT /v1/runs/{id} takes a body: give its 400 example a bad field');
  });

  // A route renamed, or gone, left its entry behind unseen.
  it('refuse an entry that no route taking a body is', () => {
    expect(() => refineDocument(documentOf(routes.filter((route) => route !== 'POST /v1/objectives/check'))))
      .toThrow('bodyValidationExamples (response-examples.ts) names POST /v1/objectives/check, which no route taking a body is');
  });
});
