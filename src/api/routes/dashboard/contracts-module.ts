/**
 * `/dashboard/contracts.js`: the contract's tables as an ES module for the dashboard's own
 * modules, written from the same source the API, the worker and the OpenAPI document read, so
 * the page never keeps a list of its own (a status it does not know, a stop reason without a
 * sentence), and the wording it shares with the CLI, as the functions' own source (where a best
 * value was measured).
 */
import { finalRunStatuses, rankedRunStatuses, runStatusRegistry, runStatuses } from '../../../contracts/run-status.ts';
import { finalSweepStatuses, sweepStatuses } from '../../../contracts/sweep-view.ts';
import { stopReasonRegistry } from '../../../core/training/index.ts';
import { metricFieldViews } from '../../../contracts/metric-fields.ts';
import { bestStepText } from '../../../contracts/best-step.ts';

export function contractsModule(): Buffer {
  const exports = {
    runStatuses,
    runStatusRegistry,
    stopReasonRegistry,
    sweepStatuses,
    metricFields: metricFieldViews,
  };
  return Buffer.from([
    '// Written by the server from the API contract (src/contracts). Do not edit.',
    ...Object.entries(exports).map(([name, value]) => `export const ${name} = ${JSON.stringify(value)};`),
    `export const finalRunStatuses = new Set(${JSON.stringify(finalRunStatuses)});`,
    `export const rankedRunStatuses = new Set(${JSON.stringify(rankedRunStatuses)});`,
    `export const finalSweepStatuses = new Set(${JSON.stringify(finalSweepStatuses)});`,
    `export const bestStepText = ${String(bestStepText)};`,
    '',
  ].join('\n'));
}
