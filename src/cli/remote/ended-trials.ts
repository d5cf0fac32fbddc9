/**
 * The trials of a sweep followed live that have ended, each counted once, for the progress bar
 * of `descent sweep --remote --wait`. A trial's end may be told more than once: an attempt that
 * finds its run ended tells it again, as the telling of the attempt that ended it may have been
 * lost with its worker. Counting the events showed more trials than the sweep has ("11/10, 110%").
 */
export class EndedTrials {
  private readonly runIds = new Set<string>();

  constructor(private readonly maxTrials: number) {}

  /** Counts the end of the trial `runId` (again: no change); the bar's fraction and its detail. */
  add(runId: string): { readonly fraction: number; readonly detail: string } {
    this.runIds.add(runId);
    const ended = this.runIds.size;
    return { fraction: ended / this.maxTrials, detail: `trial ${ended}/${this.maxTrials}` };
  }
}
