/**
 * Live progress of one run: computes steps per second and the ETA, decides when the run row is
 * due for a progress update (at most every `intervalMs`, and at the end), and
 * announces each slice's events on the run's Redis channel (shapes: src/queue/run-events.ts),
 * reading the run's cancel flag in the same round trip (src/queue/run-announcer.ts).
 */
import type { RunProgress } from '../core/training/index.ts';
import type { MetricBatch } from '../db/metrics-writer.ts';
import type { Announcement, RunAnnouncer } from '../queue/run-announcer.ts';
import type { TenantPlace } from '../queue/tenant-places.ts';
import { maxLiveRows, type LiveProgress, type RunEvent } from '../queue/run-events.ts';
import { liveRows } from './metric-batch.ts';
import type { RunStatus } from '../contracts/run-status.ts';
import type { RunResultView } from '../contracts/run-result.ts';
import type { EarlyStoppingStateView } from '../contracts/run-progress.ts';

const progressIntervalMs = 250;

export interface SliceProgress {
  readonly progress: LiveProgress;
  readonly earlyStopping: EarlyStoppingStateView | null;
}

export class ProgressPublisher {
  private sampleStep: number;
  private sampleTime: number;
  private lastWritten = -Infinity;
  /** Whether this attempt's `running` status went out. */
  private announced = false;

  constructor(
    private readonly announcer: RunAnnouncer,
    private readonly runId: string,
    start: { readonly step: number; readonly time: number },
    /** The run's tenant place, given back by the announcement of the run's end. */
    private readonly place?: TenantPlace,
    private readonly intervalMs = progressIntervalMs,
  ) {
    this.sampleStep = start.step;
    this.sampleTime = start.time;
  }

  /** True when the progress written last is older than the interval. */
  due(now: number): boolean {
    return now - this.lastWritten >= this.intervalMs;
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

  /**
   * Publishes a committed slice (the attempt's `running` status with its first slice, its
   * metrics, its progress when there is one, the final status when it ended the run) in one
   * round trip, with `also` when it ended the run; resolves to whether the run is to be cancelled.
   */
  async slice(batch: MetricBatch, progress: SliceProgress | null, ending: { status: RunStatus; result: RunResultView } | null, also?: Announcement['also']): Promise<boolean> {
    const announcing = !this.announced;
    this.announced = true;
    // Built only when someone follows the run (see run-announcer.ts).
    const events = () => {
      const built: RunEvent[] = [];
      if (announcing) built.push({ type: 'status', runId: this.runId, status: 'running', result: null });
      const count = batch.step.length;
      if (count > 0) {
        built.push({ type: 'metrics', runId: this.runId, firstStep: batch.step[0], lastStep: batch.step[count - 1], count, rows: liveRows(batch, maxLiveRows) });
      }
      if (progress) built.push({ type: 'progress', runId: this.runId, ...progress, earlyStoppingState: progress.earlyStopping });
      if (ending) built.push({ type: 'status', runId: this.runId, ...ending });
      return built;
    };
    const release = ending ? this.place : undefined;
    // The announcer marks the place given back as soon as it is.
    const reply = await this.announcer.announce({ runId: this.runId, events, ...(release ? { release } : {}), ...(ending && also ? { also } : {}) });
    return reply.cancelRequested;
  }
}
