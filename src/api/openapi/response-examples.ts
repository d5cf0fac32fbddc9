/**
 * Example answers of every route for the OpenAPI document, built from the contracts where they
 * can be (specs parsed by their schemas, so every default is as the API fills it; the metric
 * fields from their table), the rest as the API answered them. A test validates each against
 * its response schema, so they cannot drift from the API. The bad field of each body's
 * `400 validation_failed` is what the route's own schema names in a body with one mistake.
 */
import type { z } from 'zod';
import { datasetUploadSchema } from '../../contracts/dataset-upload.ts';
import { toFieldIssues, type FieldIssue } from '../../contracts/issues.ts';
import { metricFieldViews } from '../../contracts/metric-fields.ts';
import { runSpecSchema } from '../../contracts/run-spec.ts';
import { toRunListItem, type RunView } from '../../contracts/run-view.ts';
import { settleSweepSpec, sweepSpecSchema } from '../../contracts/sweep-spec.ts';
import { cancelledByClient } from '../../contracts/sweep-view.ts';
import { maximumReplicas } from '../../core/parallel/index.ts';
import { objectiveRequestSchema } from '../routes/objectives/objective-view.ts';

const runId = '3f0c9a4e-5b7d-4c1e-9a2b-8d6e4f1a2c3b';
const sweepId = '7b1d2c3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e';
const submittedAt = '2026-03-14T09:26:53.000Z';
const startedAt = '2026-03-14T09:26:53.120Z';
const finishedAt = '2026-03-14T09:26:53.410Z';

const rosenbrock = {
  objective: { type: 'expression', expression: '(1 - x)^2 + 100*(y - x^2)^2', variables: ['x', 'y'], initial: [-1.5, 2] },
  optimizer: { name: 'adam', learningRate: 0.01 },
  training: { maxSteps: 500 },
};

const queuedRun = {
  id: runId, status: 'queued', createdAt: submittedAt, updatedAt: submittedAt, startedAt: null, finishedAt: null,
  sweepId: null, trialNumber: null, parameters: null, attempts: 0,
  spec: runSpecSchema.parse(rosenbrock), progress: null, earlyStoppingState: null, earlyStopping: null, result: null,
};

const earlyStoppingOff = { enabled: false, monitor: null, best: null, bestStep: null, patience: null, stepsSinceBest: null, stopped: false };

const runningRun = {
  ...queuedRun, status: 'running', updatedAt: startedAt, startedAt, attempts: 1,
  progress: { step: 200, totalSteps: 500, epoch: null, fraction: 0.4, stepsPerSecond: 41000, etaSeconds: 0.01 },
  earlyStoppingState: earlyStoppingOff,
  earlyStopping: earlyStoppingOff,
};

const completedRun = {
  ...runningRun, status: 'completed', updatedAt: finishedAt, finishedAt,
  progress: { ...runningRun.progress, step: 500, fraction: 1, etaSeconds: 0 },
  result: {
    stopReason: 'max_steps', message: 'Reached maxSteps: 500 updates.', steps: 500, params: [-1.05192, 1.11245],
    finalLoss: 4.21388, finalValLoss: null, finalValAccuracy: null, best: { metric: 'loss', value: 4.21388, step: 500, atEnd: true }, restoredBest: false,
  },
};

const learningRateSweep = {
  name: 'adam learning rate',
  base: rosenbrock,
  parameters: { 'optimizer.learningRate': { type: 'float', low: 0.001, high: 0.1, log: true } },
  sampler: { type: 'tpe' },
  budget: { maxTrials: 12 },
};
const sweepSpec = settleSweepSpec(sweepSpecSchema.parse(learningRateSweep), () => 1234567);

const trialCounts = { queued: 0, running: 0, completed: 4, early_stopped: 0, diverged: 0, failed: 0, cancelled: 0, pruned: 8, total: 12 };

const completedSweep = {
  id: sweepId, name: 'adam learning rate', status: 'completed', createdAt: submittedAt, startedAt, finishedAt: '2026-03-14T09:27:05.000Z',
  spec: sweepSpec, trials: trialCounts,
  best: { runId, trialNumber: 7, value: 0.0000127, parameters: { 'optimizer.learningRate': 0.0412 } },
  progress: { trials: 12, maxTrials: 12, fraction: 1, elapsedSeconds: 11.9, timeLimitSeconds: null },
  result: { reason: 'budget_exhausted', message: 'All 12 trials of the budget finished.' },
};

const trial = {
  runId, trialNumber: 7, status: 'completed', value: 0.0000127, parameters: { 'optimizer.learningRate': 0.0412 }, steps: 500,
  stopReason: 'max_steps', message: 'Reached maxSteps: 500 updates.', pruning: null, createdAt: startedAt, finishedAt,
};

const objectiveId = '3d39a000-bf9d-43f7-97b3-872136d8fd95';
const gradientCheck = {
  passed: true, value: 19, step: 0.00001, tolerance: 0.00001, maxAbsoluteError: 1.31e-10, maxRelativeError: 1.15e-11,
  coordinates: [
    { index: 0, variable: 'x', analytic: 6, numeric: 6.000000000068912, absoluteError: 6.89e-11, relativeError: 1.15e-11, passed: true },
    { index: 1, variable: 'y', analytic: 20, numeric: 20.00000000013102, absoluteError: 1.31e-10, relativeError: 6.55e-12, passed: true },
  ],
};
const objective = {
  id: objectiveId, name: 'bowl', createdAt: submittedAt,
  objective: { type: 'expression', expression: 'x^2 + 10*y^2', variables: ['x', 'y'], initial: [3, 1] },
  variables: ['x', 'y'], dimensions: 2, dimension: 2, gradientCheck,
};

/** The first field `schema` names in `body`, which it must refuse. */
function badField(schema: z.ZodType, body: unknown): FieldIssue {
  const parsed = schema.safeParse(body);
  if (parsed.success) throw new Error(`the example of a refused body is valid: ${JSON.stringify(body)}`);
  return toFieldIssues(parsed.error)[0]!;
}

const datasetId = 'df4d7794-7edb-4df6-a825-d74d2cec7fa5';
const dataset = {
  id: datasetId, name: 'xor', format: 'json', createdAt: submittedAt, rows: 4, contentHash: 'fnv1a64:9928216622d635e5',
  contentSha256: 'sha256:3c53e8e6cff5a98ae5e28570090544d512f0636eab318ec49c91a2cd80937cce',
  schema: { layout: 'dense', featureCount: 2, columns: ['x1', 'x2'], target: 'target', classes: [0, 1], difficulty: false, nonZeros: null },
};

const sgd = {
  name: 'sgd', description: 'Plain gradient descent: θ ← θ − η·g.', flavors: ['paper', 'pytorch'], decoupledWeightDecay: false,
  hyperparameters: [
    { name: 'learningRate', type: 'number', exclusiveMinimum: 0, default: { paper: 0.01, pytorch: 0.01 }, flavors: ['paper', 'pytorch'], description: 'Step size η (> 0).' },
  ],
};

const downpour = {
  name: 'downpour',
  description: 'Downpour SGD: replicas push their accumulated displacement to a parameter server and pull its parameters every τ local steps.',
  paper: 'Dean et al. 2012, "Large Scale Distributed Deep Networks"', optimizer: null, executions: ['simulated', 'concurrent'], schedules: true,
  parameters: [{
    name: 'communicationPeriod', type: 'integer', minimum: 1, maximum: 1_000_000, default: 1, simulatedOnly: false,
    description: 'τ (downpour, easgd): local steps between two exchanges with the center (default 1).',
  }],
};

const rosenbrockBenchmark = {
  name: 'rosenbrock', description: 'Σ (1 − xᵢ)² + 100(xᵢ₊₁ − xᵢ²)²; start (−1.2, 1, −1.2, …); minimum 0 at (1, …, 1).',
  dimensions: { default: 2, min: 2, max: 10_000_000 }, conditioned: false,
};

const zeroLearningRate = { ...rosenbrock, optimizer: { ...rosenbrock.optimizer, learningRate: 0 } };
// A number written as text: a starting point, a target, as a form or a hand-converted CSV gives them.
const textStart = badField(objectiveRequestSchema, { name: objective.name, objective: { ...objective.objective, initial: [3, '1'] } });
const textTarget = badField(datasetUploadSchema, { name: 'xor', features: [[0, 0], [0, 1], [1, 0], [1, 1]], targets: [0, 1, 1, '0'] });

/**
 * By `METHOD path`, for every route that takes a body: the bad field of its 400
 * `validation_failed` example, a mistake a client makes in that body.
 */
export const bodyValidationExamples: Record<string, FieldIssue> = {
  'POST /v1/runs': badField(runSpecSchema, zeroLearningRate),
  'POST /v1/sweeps': badField(sweepSpecSchema, { ...learningRateSweep, base: zeroLearningRate }),
  'POST /v1/objectives': textStart,
  'POST /v1/objectives/check': textStart,
  'POST /v1/datasets': textTarget,
};

/** By `METHOD path status`: the example of the JSON answer. */
export const responseExamples: Record<string, unknown> = {
  'POST /v1/runs 201': queuedRun,
  'GET /v1/runs 200': { runs: [toRunListItem(completedRun as RunView)], nextCursor: null },
  'GET /v1/runs/{id} 200': completedRun,
  'POST /v1/runs/{id}/cancel 200': { ...queuedRun, status: 'cancelled', finishedAt: startedAt, result: { ...completedRun.result, stopReason: 'cancelled', message: 'Cancelled before it started.', steps: 0, params: null, finalLoss: null, best: null } },
  'POST /v1/runs/{id}/cancel 202': runningRun,
  'GET /v1/runs/{id}/metrics 200': {
    runId, fields: ['loss', 'gradNorm'], downsampled: true, bucketSize: 250,
    points: [
      { step: 1, stepEnd: 250, count: 250, loss: 13.4, lossMin: 4.31, lossMax: 30.4, gradNorm: 45.2, gradNormMin: 2.1, gradNormMax: 179.6 },
      { step: 251, stepEnd: 500, count: 250, loss: 4.25, lossMin: 4.21, lossMax: 4.31, gradNorm: 1.9, gradNormMin: 1.2, gradNormMax: 2.1 },
    ],
    nextCursor: null,
  },
  'GET /v1/runs/{id}/parameters 200': { runId, dimensions: 2, dimension: 2, names: ['x', 'y'] },
  'GET /v1/runs/{id}/landscape 200': {
    runId, variables: ['x', 'y'], resolution: 3, xRange: [-2, 2], yRange: [-1, 3], x: [-2, 0, 2], y: [-1, 1, 3],
    values: [[2509, 101, 2501], [909, 101, 901], [109, 901, 101]], valueRange: { min: 101, max: 2509 },
    start: [-1.5, 2], final: [-1.05192, 1.11245], minimum: { value: 0, params: [1, 1] },
  },
  'GET /healthz 200': { status: 'ok' },
  'GET /readyz 200': { status: 'ready', services: { postgres: { ok: true }, redis: { ok: true } } },
  'POST /v1/objectives 201': objective,
  'GET /v1/objectives 200': { objectives: [objective], nextCursor: null },
  'GET /v1/objectives/{id} 200': objective,
  'POST /v1/objectives/check 200': { variables: ['x', 'y'], dimensions: 2, dimension: 2, initial: [3, 1], gradientCheck, gradientCheckSkipped: null },
  'POST /v1/datasets 201': dataset,
  'GET /v1/datasets 200': { datasets: [dataset], nextCursor: null },
  'GET /v1/datasets/{id} 200': dataset,
  'GET /v1/datasets/{id}/data 200': {
    id: datasetId, offset: 0, totalRows: 4, nextOffset: null,
    data: { features: [[0, 0], [0, 1], [1, 0], [1, 1]], targets: [0, 1, 1, 0], columnNames: ['x1', 'x2'], targetName: 'target' },
  },
  'GET /v1/optimizers 200': { optimizers: [sgd] },
  'GET /v1/parallel-algorithms 200': { replicas: { minimum: 1, maximum: maximumReplicas }, algorithms: [downpour] },
  'GET /v1/benchmarks 200': { benchmarks: [rosenbrockBenchmark] },
  'GET /v1/metric-fields 200': { fields: metricFieldViews.slice(0, 2) },
  'POST /v1/sweeps 201': { ...completedSweep, status: 'queued', startedAt: null, finishedAt: null, trials: { ...trialCounts, completed: 0, pruned: 0, total: 0 }, best: null, progress: { ...completedSweep.progress, trials: 0, fraction: 0, elapsedSeconds: null }, result: null },
  'GET /v1/sweeps 200': { sweeps: [completedSweep], nextCursor: null },
  'GET /v1/sweeps/{id} 200': completedSweep,
  'GET /v1/sweeps/{id}/trials 200': { items: [trial], nextCursor: null },
  'POST /v1/sweeps/{id}/cancel 200': { ...completedSweep, status: 'cancelled', result: cancelledByClient },
};
