/**
 * Live progress of one run: computes steps per second and the ETA, decides when the run row is
 * due for a progress update (at most every `intervalMilliseconds`, and at the end), publishes
 * the run's events on its Redis channel (shapes: src/queue/run-events.ts) and, in the same
 * round trip, reads the run's cancel flag.
 */
import type { RunProgress } from '../core/training/run-result.ts';
import type { MetricBatch } from '../db/metrics-writer.ts';
import type { Redis } from '../queue/connection.ts';
import { cancelFlagKey } from '../queue/run-cancellation.ts';
import { maxLiveRows, runChannel, type LiveProgress, type RunEvent } from '../queue/run-events.ts';
import { liveRows } from './metric-batch.ts';

export const progressIntervalMilliseconds = 250;

export interface SliceProgress {
  readonly progress: LiveProgress;
  readonly earlyStopping: unknown;
}

export class ProgressPublisher {
  private sampleStep: number;
  private sampleTime: number;
  private lastWritten = -Infinity;
  /** Whether anyone received the previous message; rows are only sent to listeners. */
  private listening = false;
  private readonly channel: string;
  private readonly cancelKey: string;

  constructor(
    private readonly redis: Redis,
    private readonly runId: string,
    queuePrefix: string,
    start: { readonly step: number; readonly time: number },
    private readonly intervalMilliseconds = progressIntervalMilliseconds,
  ) {
    this.sampleStep = start.step;
    this.sampleTime = start.time;
    this.channel = runChannel(runId);
    this.cancelKey = cancelFlagKey(queuePrefix, runId);
  }

  /** True when the progress written last is older than the interval. */
  due(now: number): boolean {
    return now - this.lastWritten >= this.intervalMilliseconds;
  }

  /** The progress view at `now`, with the speed since the previous one; marks it written. */
  take(progress: RunProgress, now: number, done: boolean): LiveProgress {
    const seconds = (now - this.sampleTime) / 1000;
    const steps = progress.step - this.sampleStep;
    const stepsPerSecond = seconds > 0 && steps > 0 ? steps / seconds : null;
    const remaining = Math.max(0, progress.totalSteps - progress.step);
    this.sampleStep = progress.step;
    this.sampleTime = now;
    this.lastWritten = now;
    return {
      ...progress,
      stepsPerSecond,
      etaSeconds: done ? 0 : stepsPerSecond === null ? null : remaining / stepsPerSecond,
    };
  }

  /** Announces the attempt (status running); resolves to whether the run is to be cancelled. */
  started(): Promise<boolean> {
    return this.send([{ type: 'status', runId: this.runId, status: 'running', result: null }]);
  }

  /**
   * Publishes a committed slice (its metrics, its progress when there is one, the final status
   * when it ended the run); resolves to whether the run is to be cancelled.
   */
  slice(batch: MetricBatch, progress: SliceProgress | null, ending: { status: string; result: unknown } | null): Promise<boolean> {
    const events: RunEvent[] = [];
    const count = batch.step.length;
    if (count > 0) {
      events.push({
        type: 'metrics',
        runId: this.runId,
        firstStep: batch.step[0],
        lastStep: batch.step[count - 1],
        count,
        rows: this.listening ? liveRows(batch, maxLiveRows) : [],
      });
    }
    if (progress) events.push({ type: 'progress', runId: this.runId, ...progress });
    if (ending) events.push({ type: 'status', runId: this.runId, ...ending });
    return this.send(events);
  }

  private async send(events: readonly RunEvent[]): Promise<boolean> {
    const pipeline = this.redis.pipeline();
    for (const event of events) pipeline.publish(this.channel, JSON.stringify(event));
    pipeline.exists(this.cancelKey);
    const replies = (await pipeline.exec()) ?? [];
    for (const [error] of replies) if (error) throw error;
    const counts = replies.map(([, value]) => Number(value));
    if (events.length > 0) this.listening = counts[events.length - 1] > 0;
    return counts[events.length] === 1;
  }
}
