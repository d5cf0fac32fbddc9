/**
 * The rules that tie a `parallel` block to the rest of a run spec, each reported on the field to
 * change: the optimizer an algorithm needs (hogwild: sgd; adaptive-revision: adagrad), the
 * parameters it uses, those it accepts only in simulation (delay), the executions it supports,
 * and schedules where it applies none. A data objective with fewer training rows than replicas
 * is refused where the objective is built (`replicaShortage`).
 */
import type { OptimizerConfig } from '../optimizers/index.ts';
import type { ScheduleSpec } from '../schedules/index.ts';
import type { ParallelParameter } from './algorithm.ts';
import { parallelAlgorithms } from './registry.ts';
import type { ParallelSettings } from './settings.ts';

export interface ParallelIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

export interface ParallelSpec {
  readonly optimizer: OptimizerConfig;
  readonly schedule?: ScheduleSpec;
  readonly parallel?: ParallelSettings;
}

const parameters: readonly ParallelParameter[] = ['communicationPeriod', 'movingRate', 'delay', 'shards'];

const list = (names: readonly string[]) => names.map((name) => `'${name}'`).join(', ');

export function parallelIssues(spec: ParallelSpec): ParallelIssue[] {
  const settings = spec.parallel;
  if (!settings) return [];
  const definition = parallelAlgorithms[settings.algorithm];
  const issues: ParallelIssue[] = [];
  if (definition.optimizer && spec.optimizer.name !== definition.optimizer) {
    issues.push({ path: ['optimizer', 'name'], message: `parallel.algorithm '${definition.name}' runs with optimizer '${definition.optimizer}', not '${spec.optimizer.name}'.` });
  }
  if (!definition.executions.includes(settings.execution)) {
    issues.push({
      path: ['parallel', 'execution'],
      message: `${definition.name} runs with execution ${list(definition.executions)} in this version, not '${settings.execution}'.`,
    });
  }
  for (const name of parameters) {
    if (settings[name] === undefined) continue;
    if (!definition.parameters.includes(name)) {
      const users = Object.values(parallelAlgorithms).filter((algorithm) => algorithm.parameters.includes(name)).map((algorithm) => algorithm.name);
      issues.push({ path: ['parallel', name], message: `'${name}' applies to ${list(users)}, not to ${definition.name}.` });
    } else if (definition.simulatedOnly?.includes(name) && settings.execution !== 'simulated') {
      issues.push({ path: ['parallel', name], message: `'${name}' applies only with execution 'simulated'.` });
    } else if (name === 'shards' && settings.execution !== 'concurrent') {
      issues.push({ path: ['parallel', name], message: `'shards' applies only with execution 'concurrent' (a simulated run keeps its server in memory).` });
    }
  }
  if (!definition.schedules && spec.schedule !== undefined) {
    issues.push({ path: ['schedule'], message: `${definition.name} applies no learning-rate schedule (its step sizes are its own); remove 'schedule'.` });
  }
  return issues;
}

/** The sentence refusing a run whose data has fewer training rows than replicas, or null. */
export function replicaShortage(settings: ParallelSettings | undefined, trainingRows: number | null): string | null {
  if (!settings || trainingRows === null || trainingRows >= settings.replicas) return null;
  return `${settings.replicas} replicas need at least ${settings.replicas} training rows; the data has ${trainingRows}.`;
}
