/**
 * A sweep run locally by `descent sweep`: the service's coordination (plan-round.ts) over trials
 * kept in memory, trials run by a pool of threads (trial-thread.ts), pruning decided here from
 * every trial's recorded values at the same step, as the workers decide it from PostgreSQL.
 *
 * A sweep that ends while trials are queued or running (its time limit, its target, its
 * failures), as in the service, cancels its queued trials and stops its running ones, and decides
 * once each has ended as its thread says (a trial that completed before the stop reached it
 * counts). Ctrl-C cancels the sweep at once: it ends its threads and cancels its running trials;
 * what a thread posted before it was ended is not read, so the trials stay as the cancel left them
 * (a result read then would turn a cancelled trial completed under a sweep that said none had).
 */
import { Worker } from 'node:worker_threads';
import type { SweepSpec } from '../../contracts/sweep-spec.ts';
import type { SweepResult, TrialView } from '../../contracts/sweep-view.ts';
import { createPruner, decideAmongTrials, goalSign, metricGoal, sweepMetrics, type PruningDecision } from '../../core/sweep/index.ts';
import { finalStatusOf, type RunResult } from '../../core/training/index.ts';
import type { SweepRow, TrialRow } from '../../db/sweeps.ts';
import { toTrialView } from '../../api/routes/sweeps/sweep-view.ts';
import { planRound } from '../../worker/sweeps/plan-round.ts';
import type { Dataset } from '../../core/datasets/index.ts';
import type { FilesMessage, StopMessage, TrialMessage } from './trial-thread.ts';
import { runStatusRegistry } from '../../contracts/run-status.ts';
import { cancelledBeforeStart } from '../../contracts/run-result.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface LocalSweepOutcome {
  readonly status: string;
  readonly result: SweepResult | null;
  /** Best first, as GET /v1/sweeps/{id}/trials. */
  readonly trials: TrialView[];
}

export interface LocalSweepOptions {
  readonly threads: number;
  readonly onTrialEnd?: (trial: TrialView, finished: number, best: TrialView | null) => void;
  /** Resolves when the user asks to stop (Ctrl-C): running trials end, the sweep is cancelled. */
  readonly interrupted?: Promise<void>;
  /** The `{ path }` data files of the spec, read before (data-files.ts readDataFiles). */
  readonly files?: ReadonlyMap<string, Dataset>;
  /** How long a trial's thread makes updates before it reads the sweep's messages, at most (TrialMessage.advanceMs; default `advanceMs`). */
  readonly advanceMs?: number;
  /** Starts a trial's thread (default: a worker thread of thread-bootstrap.js); a test may wrap it to order its messages. */
  readonly thread?: () => TrialThread;
}

/** What a trial's thread posts to the sweep (see trial-thread.ts). */
export interface ThreadReply {
  readonly type: string;
  readonly trialNumber: number;
  readonly rows?: [number, number | null][];
  readonly step?: number;
  readonly previousStep?: number | null;
  readonly result?: RunResult;
  readonly message?: string;
}

/** A trial's thread, as the sweep uses it: a Worker of trial-thread.ts. */
export interface TrialThread {
  postMessage(message: FilesMessage | TrialMessage | StopMessage | { type: 'verdict'; prune: boolean }): void;
  on(event: 'message', listener: (reply: ThreadReply) => void): unknown;
  terminate(): Promise<number>;
}

const startThread = (): TrialThread => new Worker(new URL('./thread-bootstrap.js', import.meta.url));

/**
 * A trial's advance between two readings of its thread's messages, at most (ms): a stop the
 * sweep sends reaches the trial within it, however long its updates take.
 */
const advanceMs = 200;

/** The leaderboard order of GET /v1/sweeps/{id}/trials. */
function rankTrials(trials: readonly TrialView[], sign: number): TrialView[] {
  const group = (trial: TrialView) =>
    runStatusRegistry[trial.status].ranked && trial.value !== null ? 0 : trial.status === 'pruned' ? 1 : !runStatusRegistry[trial.status].final ? 2 : 3;
  return [...trials].sort((a, b) =>
    group(a) - group(b) ||
    (group(a) === 1 ? (b.pruning?.step ?? 0) - (a.pruning?.step ?? 0) : 0) ||
    (a.value ?? Infinity) * sign - (b.value ?? Infinity) * sign ||
    a.trialNumber - b.trialNumber);
}

export async function runLocalSweep(settled: SweepSpec, options: LocalSweepOptions): Promise<LocalSweepOutcome> {
  const spec: SweepSpec = { ...settled, parallelism: Math.min(settled.parallelism, options.threads) };
  const goal = metricGoal(spec.metric);
  const sign = goalSign(goal);
  const field = sweepMetrics[spec.metric.name].stepField;
  const pruner = spec.pruner.type === 'none' ? null : createPruner(spec.pruner);
  const now = new Date();
  const sweep: Mutable<SweepRow> = {
    id: 'local', tenantId: 'local', name: spec.name ?? null, status: 'running', spec, result: null, idempotencyKey: null,
    createdAt: now, updatedAt: now, startedAt: now, finishedAt: null, baseObjective: null, failureRules: true, stopping: null,
  };
  const trials: Mutable<TrialRow>[] = [];
  const histories = new Map<number, Map<number, number | null>>();
  const decisions = new Map<number, PruningDecision>();
  const pending: Mutable<TrialRow>[] = [];
  const threads = Array.from({ length: spec.parallelism }, () => (options.thread ?? startThread)());
  if (options.files?.size) for (const thread of threads) thread.postMessage({ type: 'files', files: [...options.files] } satisfies FilesMessage);
  const idle = [...threads];
  const busy = new Map<number, TrialThread>();
  let finished = 0;
  let settle: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (settle = resolve));

  const byNumber = (n: number) => trials.find((trial) => trial.trialNumber === n)!;
  const best = () => rankTrials(trials.map(toTrialView), sign).find((trial) => runStatusRegistry[trial.status].ranked && trial.value !== null) ?? null;

  function end(trial: Mutable<TrialRow>) {
    trial.finishedAt = new Date();
    finished += 1;
    options.onTrialEnd?.(toTrialView(trial), finished, best());
  }

  function dispatch() {
    while (idle.length > 0 && pending.length > 0) {
      const trial = pending.shift()!;
      const thread = idle.pop()!;
      trial.status = 'running';
      busy.set(trial.trialNumber, thread);
      histories.set(trial.trialNumber, new Map());
      thread.postMessage({
        type: 'trial', trialNumber: trial.trialNumber, spec: specs.get(trial.trialNumber), pruner: spec.pruner, field, advanceMs: options.advanceMs ?? advanceMs,
      } satisfies TrialMessage);
    }
  }

  const specs = new Map<number, unknown>();
  function replan() {
    if (sweep.status !== 'running') return;
    const plan = planRound(sweep, trials, new Date());
    for (const created of plan.newTrials) {
      const trial: Mutable<TrialRow> = {
        runId: `trial-${created.trialNumber}`, trialNumber: created.trialNumber, status: created.failure ? 'failed' : 'queued', value: null,
        parameters: created.parameters, result: (created.failure ?? null) as TrialRow['result'], createdAt: new Date(), finishedAt: null,
      };
      trials.push(trial);
      specs.set(created.trialNumber, created.spec);
      if (created.failure) end(trial);
      else pending.push(trial);
    }
    if (plan.stop !== undefined) {
      // The ending it ends with once its trials have (see endOnceSettled in plan-round.ts).
      sweep.stopping = plan.stop.reason;
      for (const trial of pending.splice(0)) {
        trial.status = 'cancelled';
        trial.result = cancelledBeforeStart(plan.stop.why) as TrialRow['result'];
        trial.finishedAt = new Date();
      }
      for (const [trialNumber, thread] of busy) thread.postMessage({ type: 'stop', trialNumber } satisfies StopMessage);
      // The sweep decides at the last one's end; with none running, now.
      if (busy.size === 0) replan();
      return;
    }
    // A plan ends the sweep only once every trial has ended (see endOnceSettled in plan-round.ts).
    if (plan.finish) {
      sweep.status = plan.finish.status;
      sweep.result = plan.finish.result;
      settle();
      return;
    }
    if (plan.newTrials.some((trial) => trial.failure) && pending.length === 0 && busy.size === 0) return replan();
    dispatch();
    // The round left trials to another (its suggestions took their share of work): the next, once the trials' messages have been read.
    if (plan.more) setImmediate(replan);
  }

  function valueOf(trial: TrialRow, result: RunResult): number {
    const history = [...(histories.get(trial.trialNumber)?.values() ?? [])].filter((v): v is number => v !== null && !Number.isNaN(v));
    if (spec.metric.name === 'finalLoss') return result.finalLoss ?? NaN;
    if (spec.metric.name === 'bestLoss') return result.best?.value ?? NaN;
    if (history.length === 0) return NaN;
    return goal === 'minimize' ? Math.min(...history) : Math.max(...history);
  }

  for (const thread of threads) {
    thread.on('message', (message) => {
      // The sweep ended (its threads are being ended): its trials are as it told them.
      if (sweep.status !== 'running') return;
      const trial = byNumber(message.trialNumber);
      if (message.type === 'records') {
        const history = histories.get(trial.trialNumber)!;
        for (const [step, value] of message.rows!) history.set(step, value);
        return;
      }
      if (message.type === 'check') {
        const step = message.step!;
        const own = histories.get(trial.trialNumber)!.get(step) ?? null;
        let prune = false;
        if (pruner && own !== null) {
          const values = [...histories.get(trial.trialNumber)!].filter(([s, v]) => s <= step && v !== null && !Number.isNaN(v)).map(([, v]) => v!);
          const bestSoFar = values.length === 0 ? null : goal === 'minimize' ? Math.min(...values) : Math.max(...values);
          const others = trials
            .filter((other) => other !== trial)
            .map((other) => ({ status: other.status, value: histories.get(other.trialNumber)?.get(step) ?? null, pruning: (other.result?.pruning ?? null) as { step?: number; rung?: number | null } | null }));
          const decision = decideAmongTrials(pruner, { step, previousStep: message.previousStep ?? null, goal, metric: field }, { value: own, best: bestSoFar }, others);
          if (decision?.prune) {
            decisions.set(trial.trialNumber, decision);
            prune = true;
          }
        }
        busy.get(trial.trialNumber)?.postMessage({ type: 'verdict', prune });
        return;
      }
      const thread = busy.get(trial.trialNumber)!;
      busy.delete(trial.trialNumber);
      idle.push(thread);
      if (message.type === 'error') {
        trial.status = 'failed';
        trial.result = { stopReason: 'error', message: message.message!, steps: 0 };
      } else {
        const result = message.result!;
        const decision = decisions.get(trial.trialNumber);
        if (decision && result.stopReason === 'cancelled') {
          const { prune: _prune, ...pruning } = decision;
          trial.status = 'pruned';
          trial.result = { ...result, stopReason: 'pruned', message: decision.message, pruning };
          // Its value of the metric, as a finished trial's; what the pruner compared is its pruning's (the samplers read that).
          trial.value = valueOf(trial, result);
        } else {
          trial.status = finalStatusOf(result.stopReason);
          trial.result = result;
          trial.value = runStatusRegistry[trial.status].ranked ? valueOf(trial, result) : null;
        }
      }
      end(trial);
      replan();
    });
  }

  const timer = setInterval(replan, 1000);
  void options.interrupted?.then(() => {
    if (sweep.status !== 'running') return;
    sweep.status = 'cancelled';
    sweep.result = { reason: 'cancelled', message: 'Interrupted: running trials were stopped.' };
    for (const trial of pending.splice(0)) trial.status = 'cancelled';
    for (const trial of trials) if (trial.status === 'running') trial.status = 'cancelled';
    settle();
  });
  replan();
  await done;
  clearInterval(timer);
  await Promise.all(threads.map((thread) => thread.terminate()));
  return { status: sweep.status, result: sweep.result as SweepResult | null, trials: rankTrials(trials.map(toTrialView), sign) };
}

