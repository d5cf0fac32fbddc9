/**
 * Shares a few slots (the threads of a pool) fairly between tenants. Each tenant's tasks wait in
 * a FIFO of its own; when a slot frees, the tenants take turns (round-robin: a tenant that starts a
 * task goes to the back of the turns; one that had none running or waiting comes in after the
 * tenants served before it was last, so that sending one request at a time gains no turns, and
 * at the front when it was never served, or so long ago that it was forgotten), and a tenant has at most `perTenant` tasks running at once. So a tenant
 * that sends many long tasks waits behind its own, never in front of another tenant's: another
 * tenant's task starts at the next free slot, at once while the first holds fewer slots than
 * there are. The queue is bounded: a tenant with `maxWaiting` tasks waiting has its next refused
 * (`busy` says with what), instead of holding memory and answers for ever. A task whose signal
 * aborts while it waits leaves its queue (the client went away: nobody wants its answer); once
 * started it runs to its end, as a thread cannot be interrupted midway.
 */

export interface FairQueueOptions {
  /** Tasks running at once, over every tenant. */
  readonly slots: number;
  /** Tasks of one tenant running at once. */
  readonly perTenant: number;
  /** Tasks of one tenant waiting (not running) at once; one more is refused. */
  readonly maxWaiting: number;
  /** What a task beyond `maxWaiting` is refused with: its tenant, and the mean duration (ms) of the tasks run so far (0 before any). */
  readonly busy: (tenant: string, meanDurationMs: number) => Error;
}

interface TenantTasks {
  running: number;
  /** What starts each waiting task, first come first. */
  readonly waiting: (() => void)[];
}

/** Tenants whose last turn is remembered, at most, after they went idle. */
const rememberedTenants = 4_096;

export function createFairQueue(options: FairQueueOptions) {
  const slots = Math.max(1, options.slots);
  const perTenant = Math.max(1, options.perTenant);
  /** The tenants with tasks running or waiting. */
  const tenants = new Map<string, TenantTasks>();
  /** Their ids in turn order: the next slot goes to the first that may take it. */
  let turns: string[] = [];
  /** When each tenant last started a task (a count of starts), the least lately first; the oldest are forgotten beyond `rememberedTenants`. */
  const lastServed = new Map<string, number>();
  let starts = 0;
  let running = 0;
  /** A running mean of task durations, for `busy`'s estimate of when to come back. */
  let meanDurationMs = 0;
  let finished = 0;

  /** Starts waiting tasks while slots are free, in turn; a tenant that starts one goes to the back of the turn order. */
  function pump(): void {
    while (running < slots) {
      const at = turns.findIndex((tenant) => {
        const tasks = tenants.get(tenant)!;
        return tasks.waiting.length > 0 && tasks.running < perTenant;
      });
      if (at < 0) return;
      const [tenant] = turns.splice(at, 1);
      turns.push(tenant);
      lastServed.delete(tenant);
      lastServed.set(tenant, ++starts);
      if (lastServed.size > rememberedTenants) lastServed.delete(lastServed.keys().next().value!);
      const tasks = tenants.get(tenant)!;
      tasks.running++;
      running++;
      tasks.waiting.shift()!();
    }
  }

  function settled(tenant: string, tasks: TenantTasks, startedAt: number): void {
    tasks.running--;
    running--;
    finished++;
    meanDurationMs += (performance.now() - startedAt - meanDurationMs) / Math.min(finished, 20);
    forgetIdle(tenant, tasks);
    pump();
  }

  /** A tenant with nothing running or waiting leaves the turns. */
  function forgetIdle(tenant: string, tasks: TenantTasks): void {
    if (tasks.running > 0 || tasks.waiting.length > 0) return;
    tenants.delete(tenant);
    turns = turns.filter((other) => other !== tenant);
  }

  return {
    /**
     * Runs `task` when its tenant's turn comes; settles as it does. Rejects with `busy`'s error
     * when the tenant already has `maxWaiting` tasks waiting, and with the signal's reason when it
     * aborts before the task started.
     */
    run<T>(tenant: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        let tasks = tenants.get(tenant);
        if (tasks && tasks.waiting.length >= options.maxWaiting) {
          reject(options.busy(tenant, meanDurationMs));
          return;
        }
        if (!tasks) {
          tasks = { running: 0, waiting: [] };
          tenants.set(tenant, tasks);
          const served = lastServed.get(tenant) ?? 0;
          const at = turns.findIndex((other) => (lastServed.get(other) ?? 0) > served);
          turns.splice(at < 0 ? turns.length : at, 0, tenant);
        }
        const own = tasks;
        const aborted = () => {
          const at = own.waiting.indexOf(entry);
          if (at < 0) return;
          own.waiting.splice(at, 1);
          forgetIdle(tenant, own);
          reject(signal!.reason);
        };
        const entry = () => {
          signal?.removeEventListener('abort', aborted);
          const startedAt = performance.now();
          let result: Promise<T>;
          try {
            result = task();
          } catch (error) {
            result = Promise.reject(error);
          }
          void result.then(resolve, reject).finally(() => settled(tenant, own, startedAt));
        };
        signal?.addEventListener('abort', aborted, { once: true });
        own.waiting.push(entry);
        pump();
      });
    },
  };
}
