/** OpenAPI 3 from the routes' zod schemas, and Swagger UI at /docs. */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

export async function registerDocumentation(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Descent',
        version,
        description:
          'Gradient descent as a service: submit optimization runs, follow their progress and read their results. ' +
          'Errors are `application/problem+json` (RFC 9457) with a stable `code`.',
      },
      tags: [
        { name: 'runs', description: 'Optimization runs' },
        { name: 'operations', description: 'Probes and metrics' },
      ],
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key from `npx descent keys create --tenant NAME`.' },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
