/**
 * Coalesces concurrent calls into batches, as a database's group commit does: a call made
 * while fewer than `concurrency` batches are in flight goes out at once (with whatever else is
 * waiting); calls made while they are all in flight wait and go out together in the next
 * batch, up to `maxBatch` at a time. A lone caller thus waits no longer than it would alone,
 * and under load one round trip serves many callers: on a busy machine the cost of a write to
 * PostgreSQL or Redis is mostly the round trip, not the rows it carries. With `gatherTurn`, a
 * call that finds a batch free waits for the end of the turn instead, so that the calls made
 * in the same turn share the batch rather than the first going alone. With `gatherPhase`, it
 * waits for the end of the event loop's current phase, so that calls made in separate callbacks
 * of one phase share it too: HTTP requests read from several sockets in one pass of the poll
 * phase each arrive in a callback of their own.
 *
 * `execute` answers each input in order, a value or an error of its own; if it throws, every
 * call of the batch fails with that error, unless `isolate` accepts the error: then each call of
 * the batch is tried again alone, one after another, so one call's fault (a row a statement
 * refuses) fails that call only.
 */
export type Settled<Output> = { readonly value: Output } | { readonly error: unknown };

export interface CoalescerOptions<Input = unknown> {
  /** Inputs per batch, at most. */
  readonly maxBatch: number;
  /** Batches in flight at once, at most. */
  readonly concurrency: number;
  /** Errors of a batch that may be the fault of one of its calls (see above). */
  readonly isolate?: (error: unknown) => boolean;
  /**
   * Whether a call that finds a batch free waits for the end of the current turn of the event
   * loop (`process.nextTick`: once the callback that made it has returned), so that the calls
   * made in the same turn go out together (see above). A call made from a promise's continuation
   * is gathered with the other continuations of the same microtask queue; one made directly in a
   * timer or I/O callback goes out before the promise continuations that callback queued.
   */
  readonly gatherTurn?: boolean;
  /**
   * Whether a call that finds a batch free waits for the end of the current phase of the event
   * loop (`setImmediate`: once every callback of the phase, each I/O callback of a poll pass, has
   * run), so that the calls made in the same phase go out together (see above).
   */
  readonly gatherPhase?: boolean;
  /**
   * A key no batch holds twice: an input whose key an earlier input of the batch has waits for
   * the next batch (in order with the others), for an `execute` that cannot tell two inputs with
   * the same key apart in one batch.
   */
  readonly distinct?: (input: Input) => unknown;
}

interface Pending<Input, Output> {
  readonly input: Input;
  readonly resolve: (value: Output) => void;
  readonly reject: (error: unknown) => void;
}

export class Coalescer<Input, Output> {
  private waiting: Pending<Input, Output>[] = [];
  private inFlight = 0;
  /** Whether a pump waits for the end of the turn or the phase (with `gatherTurn` or `gatherPhase`). */
  private gathering = false;

  constructor(
    private readonly execute: (inputs: readonly Input[]) => Promise<readonly Settled<Output>[]>,
    private readonly options: CoalescerOptions<Input>,
  ) {
    if (!(options.maxBatch >= 1 && options.concurrency >= 1)) throw new RangeError('maxBatch and concurrency must be at least 1');
  }

  submit(input: Input): Promise<Output> {
    return new Promise<Output>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      if (!this.options.gatherTurn && !this.options.gatherPhase) this.pump();
      else if (!this.gathering) {
        this.gathering = true;
        const gathered = () => {
          this.gathering = false;
          this.pump();
        };
        if (this.options.gatherPhase) setImmediate(gathered);
        else process.nextTick(gathered);
      }
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.concurrency && this.waiting.length > 0) {
      const batch = this.take();
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  /** The next batch: the first `maxBatch` inputs waiting, less those whose key it holds already (see `distinct`). */
  private take(): Pending<Input, Output>[] {
    const { maxBatch, distinct } = this.options;
    if (!distinct) return this.waiting.splice(0, maxBatch);
    const batch: Pending<Input, Output>[] = [];
    const left: Pending<Input, Output>[] = [];
    const keys = new Set<unknown>();
    for (const pending of this.waiting) {
      const key = distinct(pending.input);
      if (batch.length < maxBatch && !keys.has(key)) {
        keys.add(key);
        batch.push(pending);
      } else {
        left.push(pending);
      }
    }
    this.waiting = left;
    return batch;
  }

  private async run(batch: readonly Pending<Input, Output>[]): Promise<void> {
    let results: readonly Settled<Output>[];
    try {
      results = await this.answers(batch);
    } catch (error) {
      if (batch.length > 1 && this.options.isolate?.(error)) {
        for (const pending of batch) await this.run([pending]);
      } else {
        for (const pending of batch) pending.reject(error);
      }
      return;
    }
    batch.forEach((pending, i) => {
      const result = results[i];
      if ('error' in result) pending.reject(result.error);
      else pending.resolve(result.value);
    });
  }

  private async answers(batch: readonly Pending<Input, Output>[]): Promise<readonly Settled<Output>[]> {
    const results = await this.execute(batch.map((pending) => pending.input));
    if (results.length !== batch.length) throw new Error(`a batch of ${batch.length} got ${results.length} answers`);
    return results;
  }
}
