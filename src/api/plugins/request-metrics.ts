/** Request counts and latencies per route, and the runs queue depth, at GET /metrics. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RunsQueue } from '../../queue/runs-queue.ts';
import { Counter, Histogram, renderGauge, type Gauge } from '../metrics/prometheus.ts';

const queueStates = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const;

export function installRequestMetrics(app: FastifyInstance, runsQueue: RunsQueue): void {
  const requests = new Counter('descent_http_requests_total', 'HTTP requests answered, by method, route and status code.');
  const durations = new Histogram(
    'descent_http_request_duration_seconds',
    'Time to answer HTTP requests, by method and route.',
    [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  );
  const queueJobs: Gauge = {
    name: 'descent_queue_jobs',
    help: 'Jobs in the runs queue, by state (absent when Redis is unreachable).',
    async collect() {
      const counts = await runsQueue.getJobCounts(...queueStates).catch(() => ({}) as Record<string, number>);
      return Object.entries(counts).map(([state, value]) => ({ labels: { queue: runsQueue.name, state }, value }));
    },
  };

  app.addHook('onResponse', async (request, reply) => {
    // Unmatched URLs share one label so scanners cannot blow up the series count.
    const route = request.routeOptions.url ?? 'unmatched';
    requests.increment({ method: request.method, route, status: String(reply.statusCode) });
    durations.observe({ method: request.method, route }, reply.elapsedTime / 1_000);
  });

  app.withTypeProvider<ZodTypeProvider>().get('/metrics', {
    schema: {
      summary: 'Prometheus metrics',
      tags: ['operations'],
      produces: ['text/plain'],
      response: { 200: z.string().describe('Prometheus text exposition format 0.0.4.') },
    },
  }, async (_request, reply) => {
    const lines = [...requests.render(), ...durations.render(), ...(await renderGauge(queueJobs))];
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(`${lines.join('\n')}\n`);
  });
}
