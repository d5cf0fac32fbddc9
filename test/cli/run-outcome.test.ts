/** How `descent status`, `watch` and `submit --wait` say a run ended. */
import { describe, expect, it } from 'vitest';
import type { Run } from '../../src/client/index.ts';
import { runOutcomeText } from '../../src/cli/remote/follow-run.ts';

const id = '00000000-0000-4000-8000-000000000000';
const ended = (result: Partial<NonNullable<Run['result']>>): Run => ({
  id,
  status: 'completed',
  result: {
    stopReason: 'max_steps', message: 'Reached maxSteps: 3000 updates.', steps: 3000, params: [], finalLoss: 0.000900098,
    finalValLoss: null, finalValAccuracy: null, best: { metric: 'loss', value: 0.0008, step: 2990 }, restoredBest: false, ...result,
  },
}) as unknown as Run;

describe('runOutcomeText', () => {
  it('gives the validation loss and accuracy at the returned parameters beside the loss, as descent run does', () => {
    expect(runOutcomeText(ended({ finalValLoss: 0.0052144, finalValAccuracy: 0.9975, best: { metric: 'valLoss', value: 0.00521442, step: 2872, atEnd: false } })))
      .toBe(`${id}  completed: Reached maxSteps: 3000 updates.\n  steps 3000, final loss 0.000900098, final valLoss 0.0052144, valAccuracy 0.9975, best valLoss 0.00521442 at step 2872`);
  });

  it("says the best is at the end when it is the last parameters' value, measured as the run ended", () => {
    expect(runOutcomeText(ended({ finalLoss: 0.0007, best: { metric: 'loss', value: 0.0007, step: 3000, atEnd: true } })))
      .toBe(`${id}  completed: Reached maxSteps: 3000 updates.\n  steps 3000, final loss 0.0007, best loss 0.0007 at the end (step 3000)`);
  });

  it('says nothing of validation without a validation set', () => {
    expect(runOutcomeText(ended({}))).toBe(`${id}  completed: Reached maxSteps: 3000 updates.\n  steps 3000, final loss 0.000900098, best loss 0.0008 at step 2990`);
  });
});
