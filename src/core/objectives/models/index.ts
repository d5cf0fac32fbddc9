/**
 * Models on data: `{ "type": "model", "model": "linear" | "logistic" | "svm" | "softmax" | "mlp", "data": … }`.
 *
 * Losses (means over the rows of the batch, plus (λ/2)·‖weights‖² when `l2` > 0):
 * - `linear`:   mean of ½(ŷ − y)² (half the squared error; its gradient is the mean residual · x)
 * - `logistic`: mean binary cross-entropy of σ(w·x + b) against y ∈ [0, 1]
 * - `svm`:      linear support vector machine, mean hinge loss max(0, 1 − s·(w·x + b)) against
 *               y ∈ {0, 1}, s = 2y − 1 (add `l2` for the usual penalty); its subgradient at the
 *               margin s·z = 1 is 0
 * - `softmax`:  mean cross-entropy of softmax(W·x + b) against the class y ∈ {0 … k − 1}
 * - `mlp`:      hidden layers then `linear`, `logistic` or `softmax` as `output` (default `softmax` when
 *               every target is a class number 0, 1, …, else `linear`)
 *
 * Parameter order and names are documented in affine-model.ts and mlp.ts (weights then bias;
 * for logistic or svm on k features `w1 … wk, b`). Parameters start at zero for linear, logistic,
 * svm and softmax unless `initial` is given; the mlp draws them from `seed`. `validationSplit` holds out a
 * random fraction of `data`, drawn from `seed` too (default 0); or `validation` gives a separate set.
 */
import { z } from 'zod';
import { toDense, type Dataset } from '../../datasets/dataset.ts';
import { datasetSourceSchema, materializeDataset, type DatasetSource } from '../../datasets/source.ts';
import { defaultSplitSeed, splitDataset, splitRowCounts } from '../../datasets/split.ts';
import type { DataObjective } from '../objective.ts';
import { AffineModelObjective } from './affine-model.ts';
import { MlpObjective, type Activation } from './mlp.ts';
import { outputWidth, type OutputKind, type TargetSet } from './output-layer.ts';

const modelLimits = {
  maxParameters: 5_000_000,
  maxClasses: 1000,
  maxHiddenLayers: 16,
  maxHiddenUnits: 4096,
} as const;

const modelNames = ['linear', 'logistic', 'svm', 'softmax', 'mlp'] as const;

const defaultHidden = [16];

export const modelObjectiveSpecSchema = z.strictObject({
  type: z.literal('model'),
  model: z.enum(modelNames).describe('linear (½ squared error), logistic (binary cross-entropy), svm (hinge loss, targets 0 or 1), softmax (cross-entropy), mlp.'),
  data: datasetSourceSchema.describe('Training data: inline, sparse inline, built in, an uploaded dataset id, or a CSV path (CLI).'),
  validationSplit: z.number().min(0).lt(1).default(0).describe('Fraction of `data` held out for validation (seeded by `seed`).'),
  validation: datasetSourceSchema.optional().describe('A separate validation set (instead of validationSplit).'),
  initial: z.array(z.number().finite()).max(modelLimits.maxParameters).optional().describe('Starting parameters, in the documented order.'),
  hidden: z.array(z.number().int().min(1).max(modelLimits.maxHiddenUnits)).min(1).max(modelLimits.maxHiddenLayers).optional()
    .describe(`mlp: hidden layer sizes (default [${defaultHidden}]).`),
  activation: z.enum(['relu', 'tanh', 'sigmoid']).optional().describe('mlp: hidden activation (default relu).'),
  batchNormalization: z.boolean().optional().describe('mlp: batch normalization before each hidden activation (default false).'),
  output: z.enum(['linear', 'logistic', 'softmax']).optional().describe('mlp: output layer loss (default softmax for class targets, else linear).'),
  l2: z.number().min(0).finite().default(0).describe('λ of the penalty (λ/2)·‖weights‖² (biases, γ and β excluded).'),
  classes: z.number().int().min(2).max(modelLimits.maxClasses).optional().describe('softmax: number of classes (default: largest target + 1).'),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional()
    .describe(`Seed of the validation split and of the mlp initialisation (default ${defaultSplitSeed}).`),
}).superRefine((spec, context) => {
  if (spec.model !== 'mlp') {
    for (const field of ['hidden', 'activation', 'batchNormalization', 'output'] as const) {
      if (spec[field] !== undefined) context.addIssue({ code: 'custom', path: [field], message: `${field} applies to model mlp only` });
    }
  }
  if (spec.classes !== undefined && spec.model !== 'softmax' && !(spec.model === 'mlp' && (spec.output ?? 'softmax') === 'softmax')) {
    context.addIssue({ code: 'custom', path: ['classes'], message: 'classes applies to softmax outputs only' });
  }
  if (spec.validation !== undefined && spec.validationSplit > 0) {
    context.addIssue({ code: 'custom', path: ['validationSplit'], message: 'give either validationSplit or validation, not both' });
  }
});

export type ModelObjectiveSpec = z.output<typeof modelObjectiveSpecSchema>;

/** A model spec whose data sources may already be loaded Datasets (see resolveDataSources). */
export type ResolvedModelObjectiveSpec = Omit<ModelObjectiveSpec, 'data' | 'validation'> & {
  readonly data: DatasetSource | Dataset;
  readonly validation?: DatasetSource | Dataset;
};

/**
 * The training rows of a model whose `data` has `dataRows` rows: those its validation split
 * leaves, as createModelObjective splits them (a separate validation set takes none of them).
 */
export function modelTrainingRows(spec: Pick<ModelObjectiveSpec, 'validationSplit'>, dataRows: number): number {
  return splitRowCounts(dataRows, spec.validationSplit).training;
}

/**
 * The parameters of a model on `columns` features with `outputs` outputs: (columns + 1) per output
 * for an affine model; for an mlp, each layer's weights and bias plus, at most, the γ and β of
 * batch normalization, (inputs + 3) per unit over the widths [columns, …hidden, outputs].
 */
export function modelParameterCount(spec: Pick<ModelObjectiveSpec, 'model' | 'hidden'>, columns: number, outputs: number): number {
  if (spec.model !== 'mlp') return outputs * (columns + 1);
  const widths = [columns, ...(spec.hidden ?? defaultHidden), outputs];
  return widths.slice(1).reduce((sum, units, l) => sum + units * (widths[l] + 3), 0);
}

/** Builds the objective; `{ id }` and `{ path }` sources must have been resolved into Datasets first. */
export function createModelObjective(spec: ResolvedModelObjectiveSpec): DataObjective {
  const seed = spec.seed ?? defaultSplitSeed;
  const data = materializeDataset(spec.data, ['data']);
  const split = splitDataset(data, spec.validationSplit, seed);
  const training = split.training;
  let validation = split.validation;
  if (spec.validation !== undefined) {
    validation = materializeDataset(spec.validation, ['validation']);
    if (validation.columns !== training.columns) {
      throw new Error(`the validation set has ${validation.columns} feature columns, the training data ${training.columns}`);
    }
  }
  const kind = outputKind(spec, training);
  // Checked as given, before the split shuffles them: a bad target's row is the user's row.
  const targetSets: TargetSet[] = [{ set: 'data', targets: data.targets }];
  if (spec.validation !== undefined) targetSets.push({ set: 'validation', targets: validation!.targets });
  const outputs = outputWidth(kind, targetSets, spec.classes);
  const l2 = spec.l2 ?? 0;
  checkParameterCount(modelParameterCount(spec, training.columns, outputs));
  if (spec.model !== 'mlp') {
    return new AffineModelObjective({ kind, outputs, dataRows: data.rows, training, validation, initial: spec.initial, l2 });
  }
  const hidden = spec.hidden ?? defaultHidden;
  return new MlpObjective({
    kind,
    outputs,
    hidden,
    activation: (spec.activation ?? 'relu') as Activation,
    batchNormalization: spec.batchNormalization ?? false,
    dataRows: data.rows,
    training: toDense(training),
    validation: validation && toDense(validation),
    initial: spec.initial,
    l2,
    seed,
  });
}

function outputKind(spec: ResolvedModelObjectiveSpec, training: Dataset): OutputKind {
  if (spec.model !== 'mlp') return spec.model;
  if (spec.output) return spec.output;
  return training.targets.every((y) => Number.isInteger(y) && y >= 0) ? 'softmax' : 'linear';
}

function checkParameterCount(count: number): void {
  if (count > modelLimits.maxParameters) {
    throw new Error(`the model would have ${count} parameters; at most ${modelLimits.maxParameters} are allowed`);
  }
}

;
export {  batchNormalizationEpsilon, batchNormalizationMomentum,  } from './mlp.ts';
;
