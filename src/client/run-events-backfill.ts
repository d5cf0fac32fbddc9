/**
 * A run's events across reopened streams, with nothing lost and nothing said twice: a stream
 * opened again starts afresh from the run's state (no `Last-Event-ID` is replayed), so the steps
 * stored while the client was away (`from` the step after the last one delivered) are read from
 * the metrics endpoint and delivered as one `metrics` event before the new stream's first event;
 * a slice delivered that way and published again is dropped, and so is a `status` the same as the
 * last one delivered (the one each stream opens with).
 *
 * The read is bounded, whatever the run stored meanwhile, never every page of it: one request of at
 * most 256 points (`maxPoints`). The event's `firstStep`, `lastStep` and `count` say the whole gap,
 * as a published slice's do, and its `rows` are recorded steps shaped as a published slice's (a
 * field recorded only on some steps, `valLoss` and `valAccuracy`, absent where it was not), the
 * first at `firstStep` and the last at `lastStep`. A gap of at most 256 recorded steps comes whole.
 * A longer one comes as its first and last rows, read with two more requests of one row each, and
 * the downsampled range: `downsampled: true`, `bucketSize` and `buckets` (mean, min and max of each
 * field per bucket, as `/metrics?maxPoints=` gives them). Every row of the gap is at
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
import type { MetricBucket, MetricRow, MetricsPage, RunEvent, RunMetricsSlice } from './types.ts';

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
  /** The recorded step `step`, one row: one request. */
  readonly rowAt: (step: number) => Promise<MetricRow | undefined>;
}

/** Fields recorded only on some steps (`sometimes` in `GET /v1/metric-fields`): a published row leaves them out where missing. */
const recordedSometimes = ['valLoss', 'valAccuracy'];

/** `row` shaped as a published slice's rows are: a field recorded only on some steps absent where missing. */
function asPublished(row: MetricRow): MetricRow {
  const shaped: MetricRow = { step: row.step };
  for (const [field, value] of Object.entries(row)) {
    if (!(value === null && recordedSometimes.includes(field))) shaped[field] = value;
  }
  return shaped;
}

/** The `metrics` event of a backfill's page; null when it holds no step. */
async function backfillEvent(runId: string, page: MetricsPage, rowAt: ReopenedRunStream['rowAt']): Promise<Extract<RunEvent, { type: 'metrics' }> | null> {
  if (page.points.length === 0) return null;
  if (!page.downsampled) {
    const rows = (page.points as MetricRow[]).map(asPublished);
    return { type: 'metrics', data: { runId, firstStep: rows[0]!.step, lastStep: rows.at(-1)!.step, count: rows.length, rows } };
  }
  const buckets = page.points as MetricBucket[];
  const [first, last] = await Promise.all([rowAt(buckets[0]!.step), rowAt(buckets.at(-1)!.stepEnd)]);
  if (!first || !last) throw new Error(`the metrics of run ${runId} lost the steps their buckets summarised`);
  const data: RunMetricsSlice = {
    runId,
    firstStep: first.step,
    lastStep: last.step,
    count: buckets.reduce((sum, bucket) => sum + bucket.count, 0),
    rows: [asPublished(first), asPublished(last)],
    downsampled: true,
    bucketSize: page.bucketSize!,
    buckets,
  };
  return { type: 'metrics', data };
}

export async function* withoutGaps({ runId, events, opened, pointsFrom, rowAt }: ReopenedRunStream): AsyncGenerator<RunEvent> {
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
        const backfill = await backfillEvent(runId, await pointsFrom(Math.max(delivered, opening) + 1), rowAt);
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
