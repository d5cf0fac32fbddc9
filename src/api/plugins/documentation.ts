/** OpenAPI 3 from the routes' zod schemas, and Swagger UI at /docs. */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { refineDocument } from '../openapi/refine-document.ts';
import { cacheBuster } from './validator-compiler.ts';

export async function registerDocumentation(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Descent',
        version,
        description:
          'Gradient descent as a service: submit optimization runs, follow their progress and read their results. ' +
          'Errors are `application/problem+json` (RFC 9457) with a stable `code`. ' +
          'A query parameter that an operation does not list is a 400 `validation_failed` naming it, but for a cache-buster ' +
          `\`${cacheBuster}=<anything>\` on a GET (or HEAD), which is ignored.`,
      },
      tags: [
        { name: 'runs', description: 'Optimization runs: submit, follow, read metrics, cancel, delete' },
        { name: 'sweeps', description: 'Hyperparameter sweeps: start, follow, read the leaderboard, cancel' },
        { name: 'objectives', description: 'Stored objectives and gradient checks' },
        { name: 'datasets', description: 'Uploaded datasets for model objectives' },
        { name: 'catalogues', description: 'What a spec can name: optimizers, parallel algorithms, benchmarks, metric fields' },
        { name: 'operations', description: 'Probes and metrics' },
      ],
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key from `npx descent keys create --tenant NAME`.' },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: (input) => refineDocument(withResponseMediaTypes(jsonSchemaTransformObject(input))),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}

type Document = ReturnType<typeof jsonSchemaTransformObject>;
type Responses = Record<string, { content?: Record<string, unknown> }>;

/**
 * The type provider documents every response as `application/json`. Errors are sent as
 * `application/problem+json`, metric pages also as CSV, and run events as an event stream:
 * the document says so.
 */
function withResponseMediaTypes(document: Document): Document {
  const paths = (document as { paths?: Record<string, Record<string, { responses?: Responses }>> }).paths ?? {};
  for (const [path, operations] of Object.entries(paths)) {
    for (const operation of Object.values(operations)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const json = response.content?.['application/json'];
        if (!json) continue;
        if (Number(status) >= 400) {
          response.content = { 'application/problem+json': json };
        } else if (path.endsWith('/events') && status === '200') {
          response.content = { 'text/event-stream': json };
        } else if (path.endsWith('/metrics') && path.startsWith('/v1/') && status === '200') {
          response.content = { 'application/json': json, 'text/csv': { schema: { type: 'string' } } };
        }
      }
    }
  }
  return document;
}
