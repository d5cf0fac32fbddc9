/**
 * The time a run has computed, measured with the caller's clock (the core has none of its own),
 * for `training.timeLimitSeconds` and for slices that end at a deadline. The clock is read every
 * `interval` updates, the interval adapting so that readings come about once a millisecond
 * whatever an update costs: reading the clock at every cheap update would cost more than the update.
 */

/** How many updates to make between two clock readings, at most. */
const maximumClockInterval = 1 << 16;

export type TimeCheck = 'time_limit' | 'deadline' | null;

export class TimeBudget {
  elapsedMilliseconds = 0;
  private interval = 1;
  private countdown = 1;
  private lastReading = 0;
  private deadline = Infinity;
  private watching = false;

  constructor(
    private readonly clock: (() => number) | undefined,
    readonly limitMs: number,
  ) {}

  /** Starts a slice of updates that must end once the clock reads `deadline`. */
  begin(deadline: number): void {
    const clock = this.clock;
    if (deadline !== Infinity && !clock) throw new Error('advance({ deadline }) needs a clock (IterateRunOptions.clock).');
    this.deadline = deadline;
    this.watching = clock !== undefined && (deadline !== Infinity || this.limitMs !== Infinity);
    this.lastReading = clock ? clock() : 0;
    this.countdown = this.interval;
  }

  /** Called after each update: whether the time limit or the slice's deadline has been reached. */
  check(): TimeCheck {
    if (!this.watching || --this.countdown > 0) return null;
    const now = this.clock!();
    const interval = now - this.lastReading;
    this.elapsedMilliseconds += interval;
    this.lastReading = now;
    if (interval < 0.5) this.interval = Math.min(this.interval * 2, maximumClockInterval);
    else if (interval > 2) this.interval = Math.max(1, this.interval >> 1);
    this.countdown = this.interval;
    if (this.elapsedMilliseconds >= this.limitMs) return 'time_limit';
    return now >= this.deadline ? 'deadline' : null;
  }

  /** The time computed so far, this slice's included (null without a clock). */
  elapsedSoFar(): number | null {
    return this.clock ? this.elapsedMilliseconds + (this.clock() - this.lastReading) : null;
  }

  /** Ends the slice: adds the time since the last reading. */
  end(): void {
    if (this.clock) this.elapsedMilliseconds += this.clock() - this.lastReading;
  }
}
