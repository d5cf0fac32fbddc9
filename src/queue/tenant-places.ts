/**
 * A tenant's running places in Redis (src/worker/tenant-admission.ts): the set of its runs
 * running now and the sorted set of its jobs parked until a place frees. Giving a place back is
 * a Lua fragment shared by the admission's own release and by a run's final announcement
 * (src/queue/run-announcer.ts), which gives it back in the same call.
 */

/**
 * A run's place: where its tenant's places and parked jobs are. `givenBack` is set as soon as a
 * script gave it back, before anything else that call's caller does, so that a later failure
 * cannot make the run's release give it back (and take a parked run off the list) a second time.
 */
export interface TenantPlace {
  readonly running: string;
  readonly parked: string;
  /** The place was given back; `next` is the tenant's oldest parked run, taken off its list to be promoted (null: none). */
  givenBack?: { readonly next: string | null };
}

/**
 * Lua: takes `runId` out of `running` and the oldest parked run off `parked`, leaving its id (or
 * false) in the local `next`. With `onlyHeld`, nothing happens unless the run held a place: a
 * script sent again (its reply lost) finds the place given back already and takes no second
 * parked run off the list.
 */
export const givePlaceBackLua = (running: string, parked: string, runId: string, onlyHeld = false) => `
local held = redis.call('SREM', ${running}, ${runId})
local next = false
if ${onlyHeld ? 'held == 1' : 'true'} then next = redis.call('ZRANGE', ${parked}, 0, 0)[1] or false end
if next then redis.call('ZREM', ${parked}, next) end`;
