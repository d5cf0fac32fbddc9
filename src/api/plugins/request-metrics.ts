/**
 * GET /metrics: request counts and latencies per route, the runs queue depth, and the process's
 * own metrics (CPU, memory, heap, event-loop delay), in Prometheus's text format (prom-client).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { z } from 'zod';
import type { RunsQueue } from '../../queue/runs-queue.ts';
import { exposition } from '../../observability/metrics-registry.ts';

const queueStates = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const;

export function installRequestMetrics(app: FastifyInstance, runsQueue: RunsQueue, registry: Registry): void {
  const requests = new Counter({
    name: 'descent_http_requests_total',
    help: 'HTTP requests answered, by method, route and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'descent_http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by method and route.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'descent_queue_jobs',
    help: 'Jobs in the runs queue, by state (absent when Redis is unreachable).',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const counts = await runsQueue.getJobCounts(...queueStates).catch(() => ({}) as Record<string, number>);
      for (const [state, value] of Object.entries(counts)) this.set({ queue: runsQueue.name, state }, value);
    },
  });

  app.addHook('onResponse', async (request, reply) => {
    // Unmatched URLs share one label so scanners cannot blow up the series count.
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    durations.observe({ method: request.method, route }, reply.elapsedTime / 1_000);
  });

  app.withTypeProvider<ZodTypeProvider>().get('/metrics', {
    schema: {
      summary: 'Prometheus metrics',
      tags: ['operations'],
      produces: ['text/plain'],
      response: { 200: z.string().describe('Prometheus text exposition format 0.0.4: requests, the runs queue, the process (CPU, memory, heap, event loop).') },
    },
  }, async (_request, reply) => {
    const { contentType, body } = await exposition(registry);
    return reply.type(contentType).send(body);
  });
}
