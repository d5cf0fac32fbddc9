/** A sweep's leaderboard as text, best first, with each pruned or failed trial's reason. */

export interface LeaderboardTrial {
  readonly trialNumber: number;
  readonly status: string;
  readonly value: number | null;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly message: string | null;
}

export const formatValue = (value: number | null) => (value === null ? '—' : String(Number(value.toPrecision(6))));
export const formatParameters = (parameters: LeaderboardTrial['parameters']) =>
  Object.entries(parameters).map(([name, value]) => `${name}=${String(value)}`).join(' ');

export function leaderboardText(trials: readonly LeaderboardTrial[]): string {
  const lines = ['rank  trial  status         value         parameters'];
  trials.forEach((trial, index) => {
    lines.push(`${String(index + 1).padStart(4)}  ${String(trial.trialNumber).padStart(5)}  ${trial.status.padEnd(13)}  ${formatValue(trial.value).padEnd(12)}  ${formatParameters(trial.parameters)}`);
    if (trial.status === 'pruned' || trial.status === 'failed') lines.push(`${' '.repeat(13)}${trial.message}`);
  });
  return `${lines.join('\n')}\n`;
}
