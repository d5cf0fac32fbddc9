/**
 * The recorded metrics of a step, each once: its name on the wire, its column in `run_metrics`
 * and its SQL type, whether the rollup pyramid summarises it, how a missing or non-finite value
 * is stored, and how the dashboard draws it. Everything that handles a metric reads this table:
 * the worker's column batch and live rows, the metrics writer's COPY text and statement, the
 * rollups, the metrics query and export, the `fields` parameter, `GET /v1/metric-fields` and
 * the dashboard (served as /dashboard/contracts.js). Adding a metric is an entry here, a
 * migration adding its column (and its four rollup columns when `rolledUp`), and the engine
 * recording it.
 *
 * `step` is every row's key and `params` the parameter vector (a float8[] column); both are
 * handled apart. Every field below is a number per step.
 */
import { z } from 'zod';

/** Where the dashboard draws a field: the unit is its y axis (one per unit). */
interface MetricChart {
  readonly label: string;
  readonly unit: 'loss' | 'accuracy' | 'gradientNorm' | 'learningRate';
  readonly shownByDefault: boolean;
}

export interface MetricFieldEntry {
  readonly column: string;
  readonly sqlType: 'int' | 'float8';
  /** Summarised per rollup bucket (count, sum, min, max of its finite values). */
  readonly rolledUp: boolean;
  /**
   * How a NaN in the column batch is stored: `null` when NaN means "not measured at this step"
   * (a step without validation), `nan` when NaN is what was measured (a diverged loss).
   */
  readonly nanAs: 'null' | 'nan';
  /** Only on some steps (those with a validation pass): absent from live rows where missing. */
  readonly sometimes: boolean;
  /** Where the value comes from: the engine's step record, or the worker's clock. */
  readonly source: 'record' | 'clock';
  readonly chart: MetricChart | null;
  readonly description: string;
}

export const metricFieldRegistry = {
  loss: {
    column: 'loss', sqlType: 'float8', rolledUp: true, nanAs: 'nan', sometimes: false, source: 'record',
    chart: { label: 'loss', unit: 'loss', shownByDefault: true },
    description: 'The training loss at the parameters before the update (the mini-batch loss for a model).',
  },
  valLoss: {
    column: 'val_loss', sqlType: 'float8', rolledUp: true, nanAs: 'null', sometimes: true, source: 'record',
    chart: { label: 'validation loss', unit: 'loss', shownByDefault: true },
    description: 'The validation loss after the update, on the steps with a validation pass.',
  },
  valAccuracy: {
    column: 'val_accuracy', sqlType: 'float8', rolledUp: true, nanAs: 'null', sometimes: true, source: 'record',
    chart: { label: 'validation accuracy', unit: 'accuracy', shownByDefault: false },
    description: 'The validation accuracy after the update (classifiers), on the steps with a validation pass.',
  },
  gradNorm: {
    column: 'grad_norm', sqlType: 'float8', rolledUp: true, nanAs: 'null', sometimes: false, source: 'record',
    chart: { label: 'gradient norm', unit: 'gradientNorm', shownByDefault: false },
    description: 'The Euclidean norm of the raw gradient (before weight decay, clipping and noise).',
  },
  learningRate: {
    column: 'learning_rate', sqlType: 'float8', rolledUp: true, nanAs: 'null', sometimes: false, source: 'record',
    chart: { label: 'learning rate', unit: 'learningRate', shownByDefault: false },
    description: 'The learning rate the update used (after the schedule).',
  },
  updateNorm: {
    column: 'update_norm', sqlType: 'float8', rolledUp: true, nanAs: 'null', sometimes: false, source: 'record',
    chart: null,
    description: 'The Euclidean norm of the update, ‖θ_t − θ_(t−1)‖.',
  },
  epoch: {
    column: 'epoch', sqlType: 'int', rolledUp: false, nanAs: 'null', sometimes: false, source: 'record',
    chart: null,
    description: 'The 1-based epoch of the update (a full-batch update is a whole epoch).',
  },
  elapsedSeconds: {
    column: 'elapsed_seconds', sqlType: 'float8', rolledUp: false, nanAs: 'null', sometimes: false, source: 'clock',
    chart: null,
    description: 'Seconds since the run first started, at the update.',
  },
} as const satisfies Record<string, MetricFieldEntry>;

/** The largest step a row can have (`step` is an int column): the end of an open range. */
export const largestStep = 2_147_483_647;

/** How many buckets a downsampled read (`maxPoints`) may ask for: a curve has two points at least. */
export const maxPointsRange = { least: 2, most: 10_000 } as const;

/** The numbers of a step, besides `step` itself. */
export type ScalarMetricField = keyof typeof metricFieldRegistry;
export const scalarMetricFields = Object.keys(metricFieldRegistry) as [ScalarMetricField, ...ScalarMetricField[]];

/** What a metrics query can ask for besides `step`: every scalar, and `params`. */
export const metricFields = [...scalarMetricFields, 'params'] as const;
export type MetricField = (typeof metricFields)[number];

type FieldsWhere<K extends keyof MetricFieldEntry, V> = {
  [F in ScalarMetricField]: (typeof metricFieldRegistry)[F][K] extends V ? F : never;
}[ScalarMetricField];

export type RolledUpMetricField = FieldsWhere<'rolledUp', true>;
/** The fields the rollup pyramid summarises, in table order. */
export const rolledUpMetricFields = scalarMetricFields.filter((field) => metricFieldRegistry[field].rolledUp) as RolledUpMetricField[];

/** A batch of steps as columns, one typed array per field (missing values are NaN in float8 columns). */
export type MetricColumns = { readonly step: Int32Array } & {
  readonly [F in ScalarMetricField]: (typeof metricFieldRegistry)[F]['sqlType'] extends 'int' ? Int32Array : Float64Array;
};

/** One step as a live `metrics` event carries it: fields measured only sometimes are absent where missing. */
export type LiveMetricRow = { readonly step: number } & {
  readonly [F in FieldsWhere<'sometimes', false>]: number;
} & {
  readonly [F in FieldsWhere<'sometimes', true>]?: number;
};

export const metricFieldSchema = z
  .object({
    name: z.enum(scalarMetricFields).describe('The field, as `fields` of /metrics names it.'),
    description: z.string().describe('What it measures, in a sentence.'),
    rolledUp: z.boolean().describe('Downsampled answers give its mean, min and max per bucket.'),
    sometimes: z.boolean().describe('Recorded only on some steps (those with a validation pass).'),
    chart: z
      .object({
        label: z.string().describe('The curve\'s label.'),
        unit: z.string().describe('Its unit: fields of one unit share an axis.'),
        shownByDefault: z.boolean().describe('Drawn without being picked.'),
      })
      .nullable()
      .describe("How the dashboard draws it: the axis it shares with fields of the same unit; null when it is not drawn."),
  })
  .meta({ id: 'MetricField', description: 'A metric recorded at each step: how it is summarised and drawn.' });

export type MetricFieldView = z.output<typeof metricFieldSchema>;

/** The table as `GET /v1/metric-fields` answers it (storage details left out). */
export const metricFieldViews: MetricFieldView[] = scalarMetricFields.map((name) => {
  const { description, rolledUp, sometimes, chart } = metricFieldRegistry[name];
  return { name, description, rolledUp, sometimes, chart };
});
