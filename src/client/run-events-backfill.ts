/**
 * A run's events across reopened streams, with nothing lost and nothing said twice: a stream
 * opened again starts afresh from the run's state (no `Last-Event-ID` is replayed), so the steps
 * stored while the client was away (`from` the step after the last one delivered) are read from
 * the metrics endpoint and delivered as one `metrics` event before the new stream's first event;
 * a slice delivered that way and published again is dropped, and so is a `status` the same as the
 * last one delivered (the one each stream opens with).
 *
 * The read is bounded: one request of at most 256 points (`maxPoints`), whatever the run stored
 * meanwhile, never every page of it. The event's `firstStep`, `lastStep` and `count` say the
 * whole gap, as a published slice's do; its rows are the steps themselves when the gap holds at
 * most 256, else one per bucket of the downsampled range, at the bucket's last step with its means
 * (`epoch` and `elapsedSeconds` at that step). Every row of the gap is at
 * `/metrics?from=firstStep&to=lastStep`, as for a published slice of more than 256 steps.
 *
 * Which connection is the first is told by the events, not by the connections opened: a first
 * connection that ended before its first event (a `reconnect` at once, from a process shutting
 * down or without Redis) delivered nothing, so the first one that delivers an event is the first
 * opening. It never backfills: the steps stored before it are the caller's to read (a stream opened
 * mid-run). Every later connection to deliver an event is a reopening and always backfills, from
 * the step after the last delivered, or after the step the run had made at the first opening (its
 * opening `progress`, the event after its first `status`) when no slice was delivered since.
 */
import type { MetricRow, MetricsPage, RunEvent } from './types.ts';

/** The most points a backfill reads: as many rows as a published `metrics` event holds. */
export const backfillPoints = 256;

export interface ReopenedRunStream {
  readonly runId: string;
  /** The events as the connections give them. */
  readonly events: AsyncIterable<RunEvent>;
  /** How many connections were opened so far. */
  readonly opened: () => number;
  /** The run's recorded steps from `from` on, at most `backfillPoints` points (rows, or buckets beyond): one request. */
  readonly pointsFrom: (from: number) => Promise<MetricsPage>;
}

/** A bucket of a downsampled page: its first and last step, its steps, each field's mean. */
interface Bucket {
  readonly step: number;
  readonly stepEnd: number;
  readonly count: number;
  readonly [field: string]: MetricRow[string];
}

/** The `metrics` event of a backfill's page; null when it holds no step. */
function backfillEvent(runId: string, page: MetricsPage): Extract<RunEvent, { type: 'metrics' }> | null {
  if (page.points.length === 0) return null;
  let rows: MetricRow[];
  let count: number;
  if (page.downsampled) {
    const buckets = page.points as Bucket[];
    rows = buckets.map((bucket) => {
      const row: MetricRow = { step: bucket.stepEnd };
      for (const field of page.fields) row[field] = bucket[field] ?? null;
      return row;
    });
    count = buckets.reduce((sum, bucket) => sum + bucket.count, 0);
  } else {
    rows = page.points as MetricRow[];
    count = rows.length;
  }
  return { type: 'metrics', data: { runId, firstStep: page.points[0]!.step, lastStep: rows.at(-1)!.step, count, rows } };
}

export async function* withoutGaps({ runId, events, opened, pointsFrom }: ReopenedRunStream): AsyncGenerator<RunEvent> {
  /** The connection the last event came on (opened() then); 0 before the first event. */
  let connection = 0;
  /** Whether the events come on the first connection to deliver any. */
  let firstOpening = false;
  /** The events this connection gave so far. */
  let onConnection = 0;
  /** The last step of the `metrics` delivered. */
  let delivered = 0;
  /** The step the run had made when the first opening's stream opened: slices up to it were never the stream's. */
  let opening = 0;
  let lastStatus: string | undefined;
  for await (const event of events) {
    if (opened() !== connection) {
      const reopened = connection > 0;
      connection = opened();
      firstOpening = !reopened;
      onConnection = 0;
      if (reopened) {
        const backfill = backfillEvent(runId, await pointsFrom(Math.max(delivered, opening) + 1));
        if (backfill) {
          delivered = backfill.data.lastStep;
          yield backfill;
        }
      }
    }
    onConnection += 1;
    if (event.type === 'status') {
      const status = JSON.stringify(event.data);
      if (status === lastStatus) continue;
      lastStatus = status;
    } else if (event.type === 'metrics') {
      if (event.data.lastStep <= delivered) continue;
      delivered = event.data.lastStep;
    } else if (event.type === 'progress' && firstOpening && onConnection === 2) {
      opening = event.data.progress.step;
    }
    yield event;
  }
}
