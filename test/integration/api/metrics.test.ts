import { describe, expect, it } from 'vitest';
import { createTenantKey, minimalSpec, useTestApp } from '../support/services.ts';

describe('/metrics', () => {
  const context = useTestApp();

  it('counts requests per route and status, and reports the queue depth', async () => {
    const { authorization } = await createTenantKey(context.services.database);
    await context.app.inject({ method: 'GET', url: '/healthz' });
    await context.app.inject({ method: 'GET', url: '/v1/runs' });
    await context.app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization }, payload: minimalSpec });
    await context.app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization }, payload: minimalSpec });

    const response = await context.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = response.body;
    expect(text).toContain('descent_http_requests_total{method="GET",route="/healthz",status="200"} 1');
    expect(text).toContain('descent_http_requests_total{method="GET",route="/v1/runs",status="401"} 1');
    expect(text).toContain('descent_http_requests_total{method="POST",route="/v1/runs",status="201"} 2');
    expect(text).toMatch(/descent_http_request_duration_seconds_count\{method="POST",route="\/v1\/runs"\} 2/);
    // Every run's job has a priority (its tenant's turn): queued runs wait among the prioritized jobs.
    expect(text).toContain('descent_queue_jobs{queue="runs",state="prioritized"} 2');
  });

  it("reports the process's own CPU, memory, heap and event-loop delay", async () => {
    const text = (await context.app.inject({ method: 'GET', url: '/metrics' })).body;
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_active_handles_total']) {
      expect(text).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
      expect(text).toMatch(new RegExp(`^${name}(\\{[^}]*\\})? \\d`, 'm'));
    }
  });
});
