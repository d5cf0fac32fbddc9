/**
 * Where the coordinator plans a sweep's rounds (plan-round.ts): on the event loop when the
 * round's suggestions are cheap (random, quasi-random and grid ones, TPE over few candidates,
 * parameters and trials: a millisecond at most), otherwise in a thread, so that a round that
 * scores many candidates (up to suggestionWorkLimit, a second or two) holds no event loop: the
 * worker's runs go on, its BullMQ locks are renewed and its other sweeps are coordinated
 * meanwhile. The plan is the same wherever it is made: planRound is pure, and the same sweep,
 * trials and time give the same trials, bit for bit.
 *
 * A few threads per worker process (two unless told), a pool (src/concurrency/thread-pool.ts):
 * a long round holds one thread, not the rounds of other sweeps. Should a thread fail (an
 * exception nothing caught, its heap running out), the rounds it was sent fail (each counts as a
 * failed round of its sweep, see src/worker/sweep-reconciler.ts) and another thread takes its
 * place at the next round: the worker process goes on.
 */
import { createThreadPool, type ThreadMessage } from '../../concurrency/thread-pool.ts';
import { sweepSpace, type SweepSpec } from '../../contracts/sweep-spec.ts';
import { suggestionWork } from '../../core/sweep/index.ts';
import type { RoundPlan, RoundTrial } from '../../db/sweep-coordination.ts';
import type { SweepRow } from '../../db/sweeps.ts';
import { planRound } from './plan-round.ts';

/** A round sent to a thread (planning-thread.ts). */
export interface PlanningRequest {
  readonly id: number;
  readonly sweep: SweepRow;
  readonly trials: readonly RoundTrial[];
  readonly now: Date;
}

/** The thread's module: compiled JavaScript beside this file, or the TypeScript sources through tsx. */
const threadUrl = import.meta.url.endsWith('.ts')
  ? new URL('./thread-bootstrap.js', import.meta.url)
  : new URL('./planning-thread.js', import.meta.url);

/** The most work (see SamplerDefinition.work) a round takes on the event loop: about a millisecond. */
const inlineWork = 100_000;

/** Whether the round is cheap: as many suggestions as the sweep runs trials at once, each after every trial those make. */
function isSmall(sweep: SweepRow, trials: readonly RoundTrial[]): boolean {
  const spec = sweep.spec as SweepSpec;
  return suggestionWork(spec.sampler, sweepSpace(spec), trials.length + spec.parallelism) * spec.parallelism <= inlineWork;
}

/** A thread's answer: the plan, or the message of what planning threw. */
function planOf({ plan, problem }: ThreadMessage): RoundPlan {
  if (plan) return plan as RoundPlan;
  throw new Error((problem as string | undefined) ?? 'the planning thread answered nothing');
}

export interface RoundPlannerOptions {
  /** Threads at most (2 when absent). */
  readonly threads?: number;
  /** The threads' module, answering the same messages (the one beside this file when absent). */
  readonly url?: URL;
}

export function createRoundPlanner(options: RoundPlannerOptions = {}) {
  const pool = createThreadPool({ url: options.url ?? threadUrl, size: options.threads ?? 2, name: 'planning', answerOf: planOf });
  return {
    /**
     * The round's plan (see planRound): made at once on the event loop if it is cheap (a plan, or
     * what planning threw, thrown), else in a thread (a promise, rejected with what planning
     * threw). A round holds its sweep's lock while a plan is made at once, not while a promise
     * is pending (see src/db/sweep-coordination.ts).
     */
    plan(sweep: SweepRow, trials: readonly RoundTrial[], now: Date): RoundPlan | Promise<RoundPlan> {
      if (isSmall(sweep, trials)) return planRound(sweep, trials, now);
      return pool.ask({ sweep, trials, now } satisfies Omit<PlanningRequest, 'id'>);
    },

    close: (): Promise<void> => pool.close(),
  };
}

export type RoundPlanner = ReturnType<typeof createRoundPlanner>;
