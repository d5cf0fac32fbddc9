/**
 * A per-tenant bound on requests of one kind in progress at once (metrics exports, dataset
 * uploads, deletions), so that one tenant cannot hold every connection of the pool they share: one request
 * beyond gets 429 `too_many_concurrent` with `Retry-After`, at once, instead of waiting for a
 * connection the tenant's own requests hold.
 *
 * Counted in this API process only: behind a load balancer of N processes, a tenant may have up
 * to N times the limit in progress, each process's pool still shared fairly among tenants.
 */
import { AppError } from './errors/app-error.ts';
import { clientWentAway, onceClosed, type ClosingResponse } from './routes/client-gone.ts';

/** Seconds a client is asked to wait before trying again. */
const retryAfterSeconds = '5';

export interface TenantSlotKind {
  /** The setting that sets the limit, named in the problem (`TENANT_MAX_CONCURRENT_EXPORTS`). */
  readonly setting: string;
  /** What is counted, plural (`metrics exports`). */
  readonly counts: string;
}

/** A tenant's slot taken for one request (TenantSlots.forRequest). */
export interface RequestSlot {
  /** Does `work` holding the request's slot; rejects, doing nothing, when the client has left. */
  holding<T>(work: () => Promise<T>): Promise<T>;
}

export class TenantSlots {
  private readonly inUse = new Map<string, number>();

  constructor(private readonly limit: number, private readonly kind: TenantSlotKind) {}

  /**
   * Takes one of the tenant's slots; the function returned gives it back (once, however often
   * it is called). Throws 429 `too_many_concurrent` when the tenant holds all of them.
   */
  take(tenantId: string): () => void {
    const used = this.inUse.get(tenantId) ?? 0;
    if (used >= this.limit) throw this.exceeded(used);
    this.inUse.set(tenantId, used + 1);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const left = (this.inUse.get(tenantId) ?? 1) - 1;
      if (left > 0) this.inUse.set(tenantId, left);
      else this.inUse.delete(tenantId);
    };
  }

  /** Does `work` holding one of the tenant's slots, given back when it settles; 429 `too_many_concurrent` when the tenant holds all of them. */
  async holding<T>(tenantId: string, work: () => Promise<T>): Promise<T> {
    const giveBack = this.take(tenantId);
    try {
      return await work();
    } finally {
      giveBack();
    }
  }

  /**
   * Takes one of the tenant's slots for a request as it comes, before its body is read (a route's
   * preParsing hook): 429 `too_many_concurrent` at once when the tenant holds all of them, however
   * large the body. The slot goes back once the answer was sent or the client left (`response`
   * closed) and the work the route does `holding` it has settled.
   */
  forRequest(tenantId: string, response: ClosingResponse): RequestSlot {
    const giveBack = this.take(tenantId);
    let holders = 1;
    let closed = false;
    const letGo = () => {
      holders -= 1;
      if (holders === 0) giveBack();
    };
    // A client that left while the hooks before ran (the key lookup) has closed its answer already.
    onceClosed(response, () => {
      closed = true;
      letGo();
    });
    return {
      async holding<T>(work: () => Promise<T>): Promise<T> {
        // The client left before the work began: it is not done for nobody, without a slot.
        if (closed) throw clientWentAway();
        holders += 1;
        try {
          return await work();
        } finally {
          letGo();
        }
      },
    };
  }

  private exceeded(used: number): AppError {
    const { setting, counts } = this.kind;
    return new AppError(429, 'too_many_concurrent', 'Too many requests of the tenant in progress', {
      detail: `This tenant has ${used} ${counts} in progress on this server, the most ${setting} allows (${this.limit}); `
        + `retry once one of them has finished (after ${retryAfterSeconds} seconds, say).`,
      errors: [{ path: '', message: `At most ${this.limit} ${counts} at once (${setting}).`, code: setting }],
      quota: { name: setting, limit: this.limit, used, requested: 1 },
      headers: { 'retry-after': retryAfterSeconds },
    });
  }
}
