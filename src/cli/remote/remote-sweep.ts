/**
 * `descent sweep spec.json --remote`: submits the sweep to a running Descent, which runs its
 * trials on its workers; with --wait, follows it to its end and prints its leaderboard.
 */
import type { DescentClient, Sweep, SweepSpecInput, Trial } from '../../client/index.ts';
import { ProgressBar } from '../progress-bar.ts';
import { uploadBaseDataFiles } from './data-uploads.ts';
import { awayLine } from './follow-run.ts';
import { EndedTrials } from './ended-trials.ts';
import { formatParameters, formatValue, leaderboardText } from '../sweep/leaderboard-text.ts';
import { exitStatus, readJsonFile, runRemote, submission, submissionOptions } from './remote-command.ts';
import { specFolder } from '../spec-file.ts';


/** An ended sweep's trials, best first, read across pages. */
export async function leaderboardOf(client: DescentClient, sweepId: string): Promise<Trial[]> {
  const trials: Trial[] = [];
  for await (const trial of client.trials(sweepId, { limit: 200 })) trials.push(trial);
  return trials;
}

/** An ended sweep: how it ended, its best trial, its seed and its leaderboard. */
export function outcomeText(sweep: Sweep, trials: readonly Trial[]): string {
  const best = sweep.best;
  return `Sweep ${sweep.id} ${sweep.status}: ${sweep.result?.message ?? ''}\n`
    + `Best: ${best ? `trial ${best.trialNumber}, ${sweep.spec.metric.name} ${formatValue(best.value)}, ${formatParameters(best.parameters)}` : '—'}\n`
    + `Seed: ${sweep.spec.sampler.seed} (set sampler.seed to replay this sweep)\n\n${leaderboardText(trials)}`;
}

export function executeRemoteSweep(args: string[]): Promise<number> {
  return runRemote('sweep', args, submissionOptions, { names: 'one spec file (a path, or - for standard input)', count: 1 }, async ({ values, positionals, client }) => {
    const file = positionals[0]!;
    const spec = (await uploadBaseDataFiles(client, await readJsonFile(file), specFolder(file), (line) => process.stderr.write(`descent sweep: ${line}\n`))) as SweepSpecInput;
    const submitted = await submission('sweep', file, spec, () => client.submitSweep(spec, { idempotencyKey: values['idempotency-key'] }));
    if (!values.wait) {
      process.stdout.write(`${values.json ? JSON.stringify(submitted) : submitted.id}\n`);
      return exitStatus.ok;
    }
    const bar = new ProgressBar(process.stderr);
    let sweep: Sweep;
    try {
      const ended = new EndedTrials(submitted.progress.maxTrials);
      sweep = await client.waitForSweep(submitted.id, {
        answeredBefore: true,
        onAway: (away) => {
          bar.clear();
          process.stderr.write(awayLine('sweep', 'sweep', away));
        },
        onEvent: (event) => {
          if (event.type !== 'trial' || values['no-progress']) return;
          const { fraction, detail } = ended.add(event.data.runId);
          bar.update(fraction, detail);
        },
      });
    } catch (error) {
      bar.clear();
      // The sweep was stored and goes on: the line after this one says why it is no longer followed.
      process.stderr.write(`descent sweep: sweep ${submitted.id} was submitted; 'descent status ${submitted.id}' shows it\n`);
      throw error;
    } finally {
      bar.clear();
    }
    const trials = await leaderboardOf(client, sweep.id);
    process.stdout.write(values.json ? `${JSON.stringify({ sweep, trials })}\n` : outcomeText(sweep, trials));
    return sweep.status === 'completed' ? exitStatus.ok : exitStatus.unsuccessful;
  });
}
