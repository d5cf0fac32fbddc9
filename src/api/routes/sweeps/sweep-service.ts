/** Submitting, reading, listing and cancelling sweeps for one tenant. */
import { randomInt } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { runSpecSchema } from '../../../contracts/run-spec.ts';
import { settleSweepSpec, type SweepSpec } from '../../../contracts/sweep-spec.ts';
import { sweepBaseIssues } from '../../../contracts/sweep-base.ts';
import { cancelledByClient, type SweepResult, type SweepView, type TrialView } from '../../../contracts/sweep-view.ts';
import { goalSign, metricGoal } from '../../../core/sweep/index.ts';
import { conditionsFirst } from '../../../core/sweep/search-space.ts';
import { baseObjectiveOf, type SweepRepository, type SweepRow } from '../../../db/sweeps.ts';
import type { Redis } from '../../../queue/connection.ts';
import { publishSweepEnd } from '../../../queue/sweep-events.ts';
import { stopSweepTrials } from '../../../queue/sweep-trial-stops.ts';
import type { RunsQueue } from '../../../queue/runs-queue.ts';
import type { StrandedRuns } from '../../../db/stranded-runs.ts';
import { wakeSweep, type SweepsQueue } from '../../../queue/sweeps-queue.ts';
import { AppError, noSuch } from '../../errors/app-error.ts';
import { cursorPage } from '../cursor-page.ts';
import type { ObjectiveService } from '../objectives/objective-service.ts';
import { objectiveProblem } from '../objectives/objective-problems.ts';
import { toSweepView, toTrialView } from './sweep-view.ts';
import { cancelledBeforeStart } from '../../../contracts/run-result.ts';
import { isUuid } from '../../../db/uuid.ts';
import { isDatabaseUnavailable } from '../../../db/database-unavailable.ts';
import { isPoolBusy } from '../../../db/pool-busy.ts';
import { decodeTrialCursor, encodeTrialCursor, type TrialOrder } from './trial-cursor.ts';

export interface SweepServiceDependencies {
  readonly sweeps: SweepRepository;
  readonly sweepsQueue: SweepsQueue;
  readonly objectives: ObjectiveService;
  readonly redis: Redis;
  readonly queuePrefix: string;
  /** Removes the jobs of a cancelled sweep's running trials (see stopSweepTrials). */
  readonly runsQueue: RunsQueue;
  /** Ends a cancelled sweep's running trials whose jobs no worker holds. */
  readonly strandedRuns: StrandedRuns;
}

const cancelledTrial = cancelledBeforeStart('its sweep was cancelled');

const asStored = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/**
 * Whether a replay asks for the sweep stored under its key: the same spec, whose parameters the
 * samplers draw in the same order (a different order is a different sequence of trials), which a
 * deep comparison of objects does not see. The order drawn is that of conditionsFirst, which is
 * also what makes a sweep stored in PostgreSQL's jsonb order (before specs were kept as given)
 * draw as it was asked to.
 */
const drawOrder = (spec: SweepSpec): string[] => Object.keys(conditionsFirst(spec.parameters));
const sameSpec = (stored: SweepSpec, given: SweepSpec): boolean =>
  isDeepStrictEqual(asStored(stored), asStored(given)) && isDeepStrictEqual(drawOrder(stored), drawOrder(given));

const unavailable = (cause: unknown) =>
  new AppError(503, 'queue_unavailable', 'The sweep queue is unavailable', {
    detail: 'The sweep could not be started because Redis is unreachable; retry later (with the same Idempotency-Key).',
    headers: { 'retry-after': '5' },
    cause,
  });

export function createSweepService({ sweeps, sweepsQueue, objectives, redis, queuePrefix, runsQueue, strandedRuns }: SweepServiceDependencies) {
  const stopping = { redis, queuePrefix, runsQueue, strandedRuns };

  async function find(tenantId: string, id: string): Promise<SweepRow> {
    const sweep = isUuid(id) ? await sweeps.findForTenant(tenantId, id) : null;
    if (!sweep) throw noSuch('sweep', id);
    return sweep;
  }

  /**
   * The running trials of a sweep a cancel did not end, which a client cancelled (read again: it
   * may have ended since it was read); 409 when it ended otherwise.
   */
  async function runningOfCancelled(tenantId: string, id: string): Promise<string[]> {
    const sweep = await find(tenantId, id);
    if (sweep.status !== 'cancelled' || (sweep.result as SweepResult | null)?.reason !== cancelledByClient.reason) {
      throw new AppError(409, 'sweep_finished', 'The sweep has already finished', {
        detail: `Sweep ${id} is ${sweep.status}; only a queued or running sweep, or one a client cancelled, can be cancelled.`,
      });
    }
    return sweeps.runningTrials(sweep.id);
  }

  async function views(rows: readonly SweepRow[]): Promise<SweepView[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    const [counts, best] = await Promise.all([
      sweeps.trialCounts(ids),
      sweeps.bestTrials(rows.map((row) => ({ id: row.id, sign: goalSign(metricGoal((row.spec as SweepSpec).metric)) }))),
    ]);
    return rows.map((row) => toSweepView(row, counts.get(row.id), best.get(row.id) ?? null));
  }

  const view = async (row: SweepRow) => (await views([row]))[0];

  return {
    async submit(tenantId: string, spec: SweepSpec, idempotencyKey: string | undefined): Promise<{ sweep: SweepView; replayed: boolean }> {
      const base = runSpecSchema.parse(spec.base);
      const inspection = await objectives.assertSweepBase(tenantId, base);
      const issues = sweepBaseIssues(spec, base, () => inspection);
      if (issues.length > 0) {
        throw new AppError(400, 'validation_failed', 'The request is invalid', {
          detail: `The request body is invalid: ${issues.map((issue) => issue.path).join(', ')}.`,
          errors: issues.map((issue) => ({ ...issue, code: 'custom' })),
        });
      }
      const settled = settleSweepSpec(spec, () => randomInt(0, 2 ** 32 - 1));
      // Its trials' metric rows are bounded by their epochs' updates over their training rows, which the base's data gives (see planRound).
      const baseObjective = baseObjectiveOf(base.objective, inspection);
      // A stored objective or dataset of the base deleted since it was checked is the 404 the check would now answer.
      const { sweep, created } = await sweeps.create({ tenantId, name: spec.name ?? null, spec: settled, idempotencyKey, baseObjective }).catch((error: unknown) => {
        throw objectiveProblem(error, 'base.objective');
      });
      if (!created) {
        const storedSeed = (sweep.spec as SweepSpec).sampler.seed ?? 0;
        if (!sameSpec(sweep.spec as SweepSpec, settleSweepSpec(spec, () => storedSeed))) {
          throw new AppError(409, 'idempotency_key_reused', 'Idempotency key reused', {
            detail: `The Idempotency-Key was already used for sweep ${sweep.id} with a different spec.`,
          });
        }
      }
      // On replay too: a first attempt that stored the sweep but could not reach Redis is repaired.
      await wakeSweep(sweepsQueue, sweep.id, 'created').catch((error: unknown) => {
        throw unavailable(error);
      });
      return { sweep: await view(sweep), replayed: !created };
    },

    async get(tenantId: string, id: string): Promise<SweepView> {
      return view(await find(tenantId, id));
    },

    async list(tenantId: string, query: { status?: string; limit: number; cursor?: string }) {
      const { items, nextCursor } = await cursorPage((page) => sweeps.list(tenantId, { ...page, status: query.status }), query);
      return { items: await views(items), nextCursor };
    },

    /**
     * A page of the sweep's trials: by `order=rank` (the leaderboard, best first: finished trials
     * by value, then pruned ones, deepest first, running, failed) or `order=trial` (by trial
     * number), each page after the last trial of the page before (see trial-cursor.ts). `shown`:
     * how many trials the walk showed before this page (null in trial order, which has no ranks).
     */
    async trials(tenantId: string, id: string, query: { limit: number; cursor?: string; order?: TrialOrder }): Promise<{ sweep: SweepRow; shown: number | null; items: TrialView[]; nextCursor: string | null }> {
      const sweep = await find(tenantId, id);
      const order = query.order ?? 'rank';
      const cursor = query.cursor === undefined ? null : decodeTrialCursor(query.cursor, order);
      if (order === 'trial') {
        const rows = await sweeps.trialsByNumber(sweep.id, cursor?.order === 'trial' ? cursor.trialNumber : null, query.limit + 1);
        const page = rows.slice(0, query.limit);
        const last = page.at(-1);
        return { sweep, shown: null, items: page.map(toTrialView), nextCursor: rows.length > query.limit && last ? encodeTrialCursor({ order, trialNumber: last.trialNumber }) : null };
      }
      const shown = cursor?.order === 'rank' ? cursor.shown : 0;
      const sign = goalSign(metricGoal((sweep.spec as SweepSpec).metric));
      const rows = await sweeps.leaderboard(sweep.id, sign, cursor?.order === 'rank' ? cursor.key : null, query.limit + 1);
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      const nextCursor = rows.length > query.limit && last ? encodeTrialCursor({ order, shown: shown + page.length, key: last.key }) : null;
      return { sweep, shown, items: page.map(toTrialView), nextCursor };
    },

    /**
     * Cancels the sweep: queued trials at once, running ones within a slice (at once, those whose
     * jobs no worker holds: see stopSweepTrials). A cancel repeated, of a sweep a client cancelled,
     * stops its running trials again and answers as the first did: the first may have ended the
     * sweep and then found Redis unreachable (503) before all its running trials were told to
     * stop. 409 once it has ended otherwise.
     */
    async cancel(tenantId: string, id: string): Promise<SweepView> {
      const sweep = await find(tenantId, id);
      const { ended, ...trials } = await sweeps.cancel(sweep.id, cancelledByClient, cancelledTrial);
      const stopped = ended ? trials : { cancelled: [], running: await runningOfCancelled(tenantId, id) };
      try {
        await stopSweepTrials(stopping, stopped, 'its sweep was cancelled');
      } catch (error) {
        // The database's outage and a busy pool are their own 503s (see the error handler); anything else here is Redis.
        if (isDatabaseUnavailable(error) || isPoolBusy(error)) throw error;
        throw new AppError(503, 'queue_unavailable', 'The run queue is unavailable', {
          detail: `Sweep ${id} is cancelled, but its running trials could not all be told to stop because Redis is unreachable; retry the cancel later.`,
          headers: { 'retry-after': '5' },
          cause: error,
        });
      }
      // Once: a cancel repeated (or retried after a 503) tells it no more.
      await publishSweepEnd(redis, queuePrefix, { type: 'sweep', sweepId: sweep.id, status: 'cancelled', result: cancelledByClient });
      return view(await find(tenantId, id));
    },
  };
}

export type SweepService = ReturnType<typeof createSweepService>;
