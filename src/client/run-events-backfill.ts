/**
 * A run's events across reopened streams, with nothing lost and nothing said twice: a stream
 * opened again starts afresh from the run's state (no `Last-Event-ID` is replayed), so the
 * `metrics` slices stored while the client was away are read from the metrics endpoint
 * (`from` the step after the last one delivered) and delivered as `metrics` events of at most
 * 256 rows before the new stream's first event; a slice delivered that way and published again
 * is dropped, and so is a `status` the same as the last one delivered (the one each stream opens with).
 */
import type { MetricRow, RunEvent } from './types.ts';

/** Rows of a backfilled `metrics` event, at most: as many as a published one holds. */
const rowsPerEvent = 256;

export interface ReopenedRunStream {
  readonly runId: string;
  /** The events as the connections give them. */
  readonly events: AsyncIterable<RunEvent>;
  /** How many connections were opened so far. */
  readonly opened: () => number;
  /** The run's recorded steps from `from` on, in step order. */
  readonly rowsFrom: (from: number) => AsyncIterable<MetricRow>;
}

function metricsEvent(runId: string, rows: MetricRow[]): RunEvent {
  return { type: 'metrics', data: { runId, firstStep: rows[0]!.step, lastStep: rows.at(-1)!.step, count: rows.length, rows } };
}

export async function* withoutGaps({ runId, events, opened, rowsFrom }: ReopenedRunStream): AsyncGenerator<RunEvent> {
  let connections = 0;
  let received = 0;
  /** The last step of the `metrics` delivered. */
  let delivered = 0;
  /** The step the run had made when the first stream opened: slices before it were never the stream's. */
  let opening = 0;
  let lastStatus: string | undefined;
  for await (const event of events) {
    received += 1;
    if (opened() !== connections) {
      const reopened = connections > 0;
      connections = opened();
      if (reopened) {
        let rows: MetricRow[] = [];
        for await (const row of rowsFrom(Math.max(delivered, opening) + 1)) {
          rows.push(row);
          delivered = row.step;
          if (rows.length === rowsPerEvent) {
            yield metricsEvent(runId, rows);
            rows = [];
          }
        }
        if (rows.length > 0) yield metricsEvent(runId, rows);
      }
    }
    if (event.type === 'status') {
      const status = JSON.stringify(event.data);
      if (status === lastStatus) continue;
      lastStatus = status;
    } else if (event.type === 'metrics') {
      if (event.data.lastStep <= delivered) continue;
      delivered = event.data.lastStep;
    } else if (event.type === 'progress' && connections === 1 && received === 2) {
      opening = event.data.progress.step;
    }
    yield event;
  }
}
