/**
 * What a sweep's base must allow for its trials to run and be measured, checked before any trial
 * is made: by POST /v1/sweeps (a 400 naming the field) and by `descent sweep` (exit 2) alike.
 * Each check holds unless a parameter changes what it looks at, as a trial's spec may then differ.
 */
import { curriculumIssue, type Curriculum } from '../core/training/index.ts';
import { isDataObjective, type Objective } from '../core/objectives/index.ts';
import type { RunSpec } from './run-spec.ts';
import type { SweepSpec } from './sweep-spec.ts';
import type { ParameterDefinition } from '../core/sweep/search-space.ts';

/** What the checks need to know of the base objective, built as a trial's would be. */
export interface SweepBaseObjective {
  /** Validation rows of a model on data (0 without a validation set); null for a function. */
  readonly validationRows: number | null;
  /** Whether the objective measures a validation accuracy (a classifier on data). */
  readonly classifier: boolean;
  /** Why the base's curriculum cannot order the objective's rows; null when it can, or there is none. */
  readonly curriculumIssue: string | null;
}

/** The base objective as the checks see it. */
export function describeSweepBase(objective: Objective, curriculum: Curriculum | undefined): SweepBaseObjective {
  return {
    validationRows: isDataObjective(objective) ? objective.validationRows : null,
    classifier: isDataObjective(objective) && objective.validationAccuracy !== undefined,
    curriculumIssue: curriculum ? curriculumIssue(curriculum, objective) : null,
  };
}

export interface SweepBaseIssue {
  readonly path: string;
  readonly message: string;
}

/** Whether a parameter at `path` writes `field` or a part of it, or a field holding it. */
const touches = (path: string, field: string): boolean => path === field || path.startsWith(`${field}.`) || field.startsWith(`${path}.`);

/**
 * Why no trial could measure the sweep's metric, or null: valLoss and valAccuracy need the base
 * objective's validation set (and a classifier for accuracy), unless a parameter changes the
 * objective; every trial's value would be null, and the samplers would learn nothing.
 */
function unmeasuredMetric(spec: SweepSpec, base: SweepBaseObjective): string | null {
  const metric = spec.metric.name;
  if (metric !== 'valLoss' && metric !== 'valAccuracy') return null;
  if (!base.validationRows) {
    return `${metric} is measured on a validation set, and the base objective has no validation set: give it objective.validationSplit or objective.validation, or use finalLoss or bestLoss.`;
  }
  if (metric === 'valAccuracy' && !base.classifier) return 'valAccuracy is measured by a classifier, and the base objective is not a classifier: use valLoss.';
  return null;
}

/** A parameter's listed values (a range lists none: none of them is an execution or an algorithm). */
const listed = (definition: ParameterDefinition | undefined): readonly unknown[] => definition?.values ?? [];

/**
 * Why the sweep's pruner would not prune, or null: a concurrent downpour, easgd or
 * adaptive-revision run records the server at the steps its replicas have reached when the
 * coordinator looks, not at the pruner's decision steps, so no trial would have a value there; a
 * concurrent hogwild run records the steps `record.every` names, but the worker decides after a
 * slice, at the step the run has reached, and its threads do not stop at decision steps: a
 * decision would be taken only where a slice happened to end on one.
 *
 * Every trial the parameters can make is looked at, not the base alone: a trial is parallel when
 * the base is, or when a parameter under `parallel` is active in it (one without `when` is in
 * every trial), and its execution is `parallel.execution`'s value where that parameter is active,
 * else the base's (concurrent by default). Null as soon as one trial can be simulated or not
 * parallel (a conditional parameter may be inactive in some trial): the pruner decides on those.
 */
function unprunableTrials(spec: SweepSpec, base: RunSpec): string | null {
  if (spec.pruner.type === 'none') return null;
  const parameters = Object.entries(spec.parameters).filter(([path]) => touches(path, 'parallel'));
  // `parallel` itself takes no object: trials it writes are refused as specs, not run concurrent.
  if (parameters.some(([path]) => path === 'parallel')) return null;
  const always = parameters.filter(([, definition]) => definition.when === undefined).map(([path]) => path);
  if (base.parallel === undefined && always.length === 0) return null;
  const execution = spec.parameters['parallel.execution'];
  const baseExecution = base.parallel?.execution ?? 'concurrent';
  const executions = execution === undefined ? [baseExecution] : [...listed(execution), ...(execution.when ? [baseExecution] : [])];
  if (executions.includes('simulated')) return null;
  const algorithmParameter = spec.parameters['parallel.algorithm'];
  const algorithms = [...new Set([
    ...listed(algorithmParameter),
    ...(algorithmParameter === undefined || algorithmParameter.when ? [base.parallel?.algorithm] : []),
  ].filter((algorithm): algorithm is string => typeof algorithm === 'string'))];
  const hogwildOnly = algorithms.length > 0 && algorithms.every((algorithm) => algorithm === 'hogwild');
  const named = algorithms.length === 0 ? 'parallel' : algorithms.join(', ');
  const why = hogwildOnly
    ? 'Concurrent hogwild runs\' threads do not stop at the pruner\'s decision steps for it to decide, so a trial would be pruned only by chance'
    : `Concurrent ${named} runs record at the steps their replicas reach, not at the pruner's decision steps, so no trial would ever be pruned`;
  // What makes every trial concurrent, when a parameter does: the parameters that make every trial parallel, or an execution that is never simulated.
  const causes = [
    ...(base.parallel === undefined ? [`${always.map((path) => `parameters["${path}"]`).join(', ')} ${always.length === 1 ? 'makes' : 'make'} every trial a parallel run, concurrent by default`] : []),
    ...(execution !== undefined ? ['parameters["parallel.execution"] takes no value \'simulated\''] : []),
  ];
  const fix = execution !== undefined ? 'give parameters["parallel.execution"] the value \'simulated\''
    : base.parallel === undefined ? 'add the parameter parallel.execution with the value \'simulated\'' : 'use base.parallel.execution \'simulated\'';
  return `${why}${causes.length > 0 ? ` (${causes.join('; ')})` : ''}: ${fix}, or pruner 'none'.`;
}

/**
 * What keeps the sweep's trials from running, being measured or pruned, each naming its field: a
 * curriculum the base objective cannot order by (every trial would fail, as the run would be
 * refused), unless a parameter changes the objective, the curriculum or the batch size; a
 * validation metric over an objective without a validation set, unless a parameter changes the
 * objective; a pruner over trials that are all concurrent parallel runs, the base's or those
 * parameters under `parallel` make (unless some trial can be simulated, or not parallel).
 * `inspect` describes the base objective, asked for only when a check applies.
 */
export function sweepBaseIssues(spec: SweepSpec, base: RunSpec, inspect: () => SweepBaseObjective): SweepBaseIssue[] {
  const paths = Object.keys(spec.parameters);
  const changed = (...fields: string[]) => paths.some((path) => fields.some((field) => touches(path, field)));
  const issues: SweepBaseIssue[] = [];
  const unprunable = unprunableTrials(spec, base);
  if (unprunable !== null) issues.push({ path: 'pruner.type', message: unprunable });
  const checksCurriculum = base.training.curriculum !== undefined && !changed('objective', 'training.curriculum', 'training.batchSize');
  const checksMetric = (spec.metric.name === 'valLoss' || spec.metric.name === 'valAccuracy') && !changed('objective');
  if (!checksCurriculum && !checksMetric) return issues;
  const objective = inspect();
  if (checksCurriculum && objective.curriculumIssue !== null) issues.push({ path: 'base.training.curriculum.by', message: objective.curriculumIssue });
  const unmeasured = checksMetric ? unmeasuredMetric(spec, objective) : null;
  if (unmeasured !== null) issues.push({ path: 'metric.name', message: unmeasured });
  return issues;
}
