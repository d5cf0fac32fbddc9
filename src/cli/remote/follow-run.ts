/**
 * Follows a remote run's events to its end with a progress bar on a terminal: the step out of
 * the total, the latest loss, the speed and the time left, redrawn at each `progress` event.
 */
import { ProblemError, type DescentClient, type Run } from '../../client/index.ts';
import { bestStepText } from '../../contracts/best-step.ts';
import { ProgressBar, type ProgressStream } from '../progress-bar.ts';
import { formatNumber } from './remote-command.ts';

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

/** Why Descent could not be asked, in a few words: `503 http_503`, `connect ECONNREFUSED 127.0.0.1:3000`. */
function awayReason(error: unknown): string {
  if (error instanceof ProblemError) return `${error.status} ${error.code}`;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * The stderr line of a failed attempt to open the events of a run or sweep (`what`) again, while
 * Descent is away (an API restarting): why the bar stands still, and for how long.
 */
export function awayLine(name: string, what: 'run' | 'sweep', { error, waitMs }: { readonly error: unknown; readonly waitMs: number }): string {
  return `descent ${name}: lost the ${what}'s events (${awayReason(error)}); asking again in ${Math.ceil(waitMs / 1000)} s\n`;
}

/**
 * Follows run `id` to its end; `name` is the command's, for the line that says, while Descent is
 * away (an API restarting), why the bar stands still. `answeredBefore`: Descent answered a
 * moment ago (the run's submission), so a first opening that fails as a Descent away is waited out too.
 */
export async function followRun(client: DescentClient, id: string, stream: ProgressStream, showProgress: boolean, name: string, answeredBefore = false): Promise<Run> {
  const bar = new ProgressBar(stream);
  let loss: number | null = null;
  try {
    return await client.waitForRun(id, {
      answeredBefore,
      onAway: (away) => {
        bar.clear();
        stream.write(awayLine(name, 'run', away));
      },
      onEvent: (event) => {
        if (!showProgress) return;
        if (event.type === 'metrics') {
          const last = event.data.rows.at(-1);
          if (last && typeof last.loss === 'number') loss = last.loss;
        } else if (event.type === 'progress') {
          const { step, totalSteps, fraction, stepsPerSecond, etaSeconds } = event.data.progress;
          const parts = [`step ${step}${totalSteps === null ? '' : `/${totalSteps}`}`];
          if (loss !== null) parts.push(`loss ${formatNumber(loss)}`);
          if (stepsPerSecond) parts.push(`${formatNumber(Math.round(stepsPerSecond))} steps/s`);
          if (etaSeconds !== null && etaSeconds !== undefined) parts.push(`eta ${duration(etaSeconds)}`);
          bar.update(fraction ?? 0, parts.join('  '));
        }
      },
    });
  } finally {
    bar.clear();
  }
}

/** The lines that say how a run ended: its status, why, and its loss (and validation figures, with a validation set) at the returned parameters. */
export function runOutcomeText(run: Run): string {
  const { result } = run;
  if (!result) return `${run.id}  ${run.status}`;
  const validation = [
    typeof result.finalValLoss === 'number' ? `, final valLoss ${formatNumber(result.finalValLoss)}` : '',
    typeof result.finalValAccuracy === 'number' ? `, valAccuracy ${formatNumber(result.finalValAccuracy)}` : '',
  ].join('');
  const best = result.best ? `, best ${result.best.metric} ${formatNumber(result.best.value)} ${bestStepText(result.best)}` : '';
  return `${run.id}  ${run.status}: ${result.message}\n  steps ${result.steps}, final loss ${formatNumber(result.finalLoss)}${validation}${best}`;
}
