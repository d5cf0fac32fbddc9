/** Liveness and readiness probes: no authentication, no rate limit. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkServices, describeFailures, type ReadinessDependencies } from '../../readiness.ts';

const serviceStateSchema = z.object({
  ok: z.boolean().describe('Whether it answered.'),
  error: z.string().optional().describe('Why the service is unreachable.'),
});

const readinessSchema = z
  .object({
    status: z.enum(['ready', 'not_ready']).describe('`ready` when every service answered.'),
    detail: z.string().optional().describe('One line per unreachable service.'),
    services: z
      .object({ postgres: serviceStateSchema.describe('PostgreSQL.'), redis: serviceStateSchema.describe('Redis.') })
      .describe('Each service Descent needs, and whether it answered.'),
  })
  .meta({ id: 'Readiness', description: 'Whether PostgreSQL and Redis are reachable.' });

export async function healthRoutes(app: FastifyInstance, dependencies: ReadinessDependencies): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get('/healthz', {
    schema: {
      summary: 'Liveness: the process is up',
      tags: ['operations'],
      response: { 200: z.object({ status: z.literal('ok') }) },
    },
  }, async () => ({ status: 'ok' as const }));

  routes.get('/readyz', {
    schema: {
      summary: 'Readiness: PostgreSQL and Redis are reachable',
      description: 'Answers 503 naming each unreachable service; recovers by itself when the service returns.',
      tags: ['operations'],
      response: { 200: readinessSchema, 503: readinessSchema },
    },
  }, async (_request, reply) => {
    const checks = await checkServices(dependencies);
    const services = Object.fromEntries(
      checks.map((entry) => [entry.name, entry.ok ? { ok: true } : { ok: false, error: entry.error }]),
    ) as z.infer<typeof readinessSchema>['services'];
    const failures = describeFailures(checks, dependencies.config);
    if (failures.length === 0) return reply.code(200).send({ status: 'ready', services });
    return reply.code(503).send({ status: 'not_ready', detail: failures.join('\n'), services });
  });
}
