/**
 * Where a run's best value was measured, in words: `at step 2872` for an update's value, `at the
 * end (step 3000)` for the last parameters' (result.best.atEnd), measured when the run ended
 * rather than before an update. Results stored before atEnd was kept have none: an update's.
 *
 * One wording for the CLI and the dashboard: the dashboard's modules import it from
 * /dashboard/contracts.js, which is written with this function's own source, so it uses nothing
 * but its argument.
 */
export const bestStepText = (best: { readonly step: number; readonly atEnd?: boolean }): string => (best.atEnd ? `at the end (step ${best.step})` : `at step ${best.step}`);
