/**
 * What a sweep's base must allow for its trials to run and be measured, checked before any trial
 * is made: by POST /v1/sweeps (a 400 naming the field) and by `descent sweep` (exit 2) alike.
 * Each check holds unless a parameter changes what it looks at, as a trial's spec may then differ.
 */
import { curriculumIssue, type Curriculum } from '../core/training/index.ts';
import { isDataObjective, type Objective } from '../core/objectives/index.ts';
import type { RunSpec } from './run-spec.ts';
import type { SweepSpec } from './sweep-spec.ts';

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

/**
 * Why the sweep's pruner would not prune, or null: a concurrent downpour, easgd or
 * adaptive-revision run records the server at the steps its replicas have reached when the
 * coordinator looks, not at the pruner's decision steps, so no trial would have a value there; a
 * concurrent hogwild run records the steps `record.every` names, but the worker decides after a
 * slice, at the step the run has reached, and its threads do not stop at decision steps: a
 * decision would be taken only where a slice happened to end on one.
 */
function unprunableTrials(spec: SweepSpec, base: RunSpec): string | null {
  if (spec.pruner.type === 'none' || base.parallel === undefined) return null;
  const { algorithm, execution } = base.parallel;
  if (execution !== 'concurrent') return null;
  const why = algorithm === 'hogwild'
    ? 'Concurrent hogwild runs\' threads do not stop at the pruner\'s decision steps for it to decide, so a trial would be pruned only by chance'
    : `Concurrent ${algorithm} runs record at the steps their replicas reach, not at the pruner's decision steps, so no trial would ever be pruned`;
  return `${why}: use base.parallel.execution 'simulated', or pruner 'none'.`;
}

/**
 * What keeps the sweep's trials from running, being measured or pruned, each naming its field: a
 * curriculum the base objective cannot order by (every trial would fail, as the run would be
 * refused), unless a parameter changes the objective, the curriculum or the batch size; a
 * validation metric over an objective without a validation set, unless a parameter changes the
 * objective; a pruner over concurrent parallel trials, unless a parameter can make them simulated
 * (`parallel.execution` taking 'simulated', or `parallel` itself).
 * `inspect` describes the base objective, asked for only when a check applies.
 */
export function sweepBaseIssues(spec: SweepSpec, base: RunSpec, inspect: () => SweepBaseObjective): SweepBaseIssue[] {
  const paths = Object.keys(spec.parameters);
  const changed = (...fields: string[]) => paths.some((path) => fields.some((field) => touches(path, field)));
  const issues: SweepBaseIssue[] = [];
  // Only a parameter that can make trials simulated (or replaces `parallel` whole) lets some be pruned.
  const simulatedSome = Object.entries(spec.parameters).some(([path, definition]) =>
    path === 'parallel' || (path === 'parallel.execution' && (definition.values ?? []).includes('simulated')));
  const unprunable = simulatedSome ? null : unprunableTrials(spec, base);
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
