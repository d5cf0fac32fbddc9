/**
 * The announcement of a run's end gives its tenant's place back exactly once, against the real
 * Redis: the place says so as soon as the call that gave it back answers (a failure afterwards,
 * while the events go out, must not make the run's release take a second parked run off the
 * list), and the same call sent again takes nothing more.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeRedis, createRedis, type Redis } from '../../../src/queue/connection.ts';
import { createRunAnnouncer } from '../../../src/queue/run-announcer.ts';
import { runChannel } from '../../../src/queue/run-events.ts';
import type { TenantPlace } from '../../../src/queue/tenant-places.ts';
import { testConfig } from '../support/services.ts';

let redis: Redis;
let listener: Redis;
const prefix = `test-announcer-${randomUUID()}`;

beforeAll(async () => {
  redis = createRedis(testConfig().redisUrl, 'fail-fast');
  listener = createRedis(testConfig().redisUrl, 'fail-fast');
  await Promise.all([redis.connect(), listener.connect()]);
});

afterAll(async () => {
  await Promise.all([closeRedis(redis), closeRedis(listener)]);
});

/** A tenant whose places hold `runId` and whose parked list holds `first` then `second`. */
async function tenantWithParkedRuns(runId: string): Promise<TenantPlace & { readonly parkedRuns: readonly string[] }> {
  const tenant = randomUUID();
  const running = `${prefix}:tenant-running:${tenant}`;
  const parked = `${prefix}:tenant-parked:${tenant}`;
  const parkedRuns = [randomUUID(), randomUUID()];
  await redis.sadd(running, runId);
  await redis.zadd(parked, 1, parkedRuns[0]!, 2, parkedRuns[1]!);
  return { running, parked, parkedRuns };
}

describe('run announcer', () => {
  it("marks the place given back before the events go out: a failure then leaves the next parked run on the list", async () => {
    const runId = randomUUID();
    const place = await tenantWithParkedRuns(runId);
    // Someone follows the run, so its events are built (and here fail to be) after the call that gave the place back.
    await listener.subscribe(runChannel(runId));
    const announcer = createRunAnnouncer(redis, prefix);
    const failing = announcer.announce({ runId, events: () => { throw new Error('events could not be built'); }, release: place });
    await expect(failing).rejects.toThrow('events could not be built');
    await listener.unsubscribe(runChannel(runId));

    expect(place.givenBack).toEqual({ next: place.parkedRuns[0] });
    expect(await redis.sismember(place.running, runId)).toBe(0);
    expect(await redis.zrange(place.parked, 0, -1)).toEqual([place.parkedRuns[1]]);
    await redis.del(place.running, place.parked);
  });

  it('takes no second parked run off the list when the end announcement is sent again', async () => {
    const runId = randomUUID();
    const place = await tenantWithParkedRuns(runId);
    const announcer = createRunAnnouncer(redis, prefix);
    const first: TenantPlace = { running: place.running, parked: place.parked };
    await announcer.announce({ runId, events: () => [], release: first });
    expect(first.givenBack).toEqual({ next: place.parkedRuns[0] });

    // The same call again, as after a lost reply: the run holds no place any more.
    const again: TenantPlace = { running: place.running, parked: place.parked };
    await announcer.announce({ runId, events: () => [], release: again });
    expect(again.givenBack).toEqual({ next: null });
    expect(await redis.zrange(place.parked, 0, -1)).toEqual([place.parkedRuns[1]]);
    await redis.del(place.running, place.parked);
  });
});
