/**
 * A tenant's running places in Redis (src/worker/tenant-admission.ts): the set of its runs
 * running now and the sorted set of its jobs parked until a place frees. Giving a place back is
 * a Lua fragment shared by the admission's own release and by a run's final announcement
 * (src/queue/run-announcer.ts), which gives it back in the same call.
 */

/** A run's place: where its tenant's places and parked jobs are. Set `givenBack` once a script gave it back. */
export interface TenantPlace {
  readonly running: string;
  readonly parked: string;
  /** The place was given back; `next` is the tenant's oldest parked run, taken off its list to be promoted (null: none). */
  givenBack?: { readonly next: string | null };
}

/** Lua: takes `runId` out of `running` and the oldest parked run off `parked`, leaving its id (or false) in the local `next`. */
export const givePlaceBackLua = (running: string, parked: string, runId: string) => `
redis.call('SREM', ${running}, ${runId})
local next = redis.call('ZRANGE', ${parked}, 0, 0)[1] or false
if next then redis.call('ZREM', ${parked}, next) end`;
