/**
 * A process's Prometheus metrics (prom-client): one registry per API or worker, holding the
 * process's own metrics (CPU, memory, heap, event-loop delay, handles, garbage collection) with
 * prom-client's standard names, and whatever the API or the worker adds to it.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';

export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** The text exposition answer: its content type and body. */
export async function exposition(registry: Registry): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}
