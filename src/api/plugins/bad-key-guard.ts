/**
 * Requests with an unknown or revoked key, counted per client address: each costs a database
 * lookup, so an address that sends more than AUTH_FAILURES_MAX of them in a rate-limit window
 * gets 429 `rate_limited` (with `Retry-After`) without one, until the window ends. The count is
 * shared by every API process (in Redis, with the rate-limit counters); each process remembers
 * the addresses it has blocked, so that a request with a good key costs nothing more. If Redis
 * is unreachable, nobody is blocked.
 */
import type { RateLimitCounters } from '../../queue/rate-limit-counters.ts';
import { AppError } from '../errors/app-error.ts';

export interface BadKeyGuardSettings {
  readonly maxFailures: number;
  readonly windowSeconds: number;
  /** Redis key namespace. */
  readonly namespace: string;
}

/** Addresses remembered as blocked, at most (the oldest are forgotten first). */
const maxBlockedAddresses = 10_000;

export function createBadKeyGuard(counters: RateLimitCounters, settings: BadKeyGuardSettings, now: () => number = Date.now) {
  const blockedUntil = new Map<string, number>();

  const refusal = (address: string, until: number) => {
    const seconds = Math.max(1, Math.ceil((until - now()) / 1000));
    return new AppError(429, 'rate_limited', 'Too many requests', {
      detail: `More than ${settings.maxFailures} requests with an unknown or revoked API key came from ${address} within ${settings.windowSeconds} s; retry in ${seconds} s.`,
      headers: { 'retry-after': String(seconds) },
    });
  };

  return {
    /** Throws the 429 when the address is blocked. */
    check(address: string): void {
      const until = blockedUntil.get(address);
      if (until === undefined) return;
      if (until > now()) throw refusal(address, until);
      blockedUntil.delete(address);
    },

    /** Counts a failed authentication; throws the 429 when it is one too many. */
    async failed(address: string): Promise<void> {
      const count = await counters.increment(`${settings.namespace}:bad-keys:${address}`, settings.windowSeconds * 1000).catch(() => null);
      if (!count || count.current <= settings.maxFailures) return;
      const until = now() + count.ttl;
      if (blockedUntil.size >= maxBlockedAddresses) blockedUntil.delete(blockedUntil.keys().next().value!);
      blockedUntil.set(address, until);
      throw refusal(address, until);
    },
  };
}

export type BadKeyGuard = ReturnType<typeof createBadKeyGuard>;
