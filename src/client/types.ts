/** The shapes a client's caller handles, named after the OpenAPI document's schemas. */
import type { components, paths } from './openapi-types.ts';

type Schemas = components['schemas'];

export type Run = Schemas['Run'];
export type RunStatus = Schemas['RunStatus'];
export type RunResult = Schemas['RunResult'];
/** A run as the list gives it: its result without `params` (getRun has them). */
export type RunListItem = Schemas['RunListItem'];
export type RunProgress = Schemas['RunProgress'];
export type EarlyStoppingState = Schemas['EarlyStoppingState'];
export type RunSpecInput = paths['/v1/runs']['post']['requestBody']['content']['application/json'];
export type RunListQuery = Omit<NonNullable<paths['/v1/runs']['get']['parameters']['query']>, 'cursor'>;
export type MetricsQuery = Omit<NonNullable<paths['/v1/runs/{id}/metrics']['get']['parameters']['query']>, 'format' | 'cursor'>;
export type MetricsPage = Schemas['MetricsPage'];
export type MetricRow = Schemas['MetricRow'];
/** A downsampled bucket: each field's mean, `<field>Min` and `<field>Max` over its `count` recorded steps `step` … `stepEnd`. */
export type MetricBucket = Schemas['MetricBucket'];
export type Dataset = Schemas['Dataset'];
export type DatasetUpload = Schemas['DatasetUpload'];
/** What a dataset listing may ask: `contentSha256`, only the datasets of that content. */
export type DatasetListQuery = Omit<NonNullable<paths['/v1/datasets']['get']['parameters']['query']>, 'cursor' | 'limit'>;
/** What a CSV upload may say beside its rows: the target and difficulty columns, a name. */
export type DatasetCsvQuery = NonNullable<paths['/v1/datasets']['post']['parameters']['query']>;
export type Sweep = Schemas['Sweep'];
export type SweepStatus = Schemas['SweepStatus'];
export type SweepResult = Schemas['SweepResult'];
export type SweepSpecInput = paths['/v1/sweeps']['post']['requestBody']['content']['application/json'];
export type SweepListQuery = Omit<NonNullable<paths['/v1/sweeps']['get']['parameters']['query']>, 'cursor'>;
export type Trial = Schemas['Trial'];
export type TrialListQuery = Omit<NonNullable<paths['/v1/sweeps/{id}/trials']['get']['parameters']['query']>, 'cursor' | 'format'>;

/**
 * A `metrics` event's data: the `count` recorded steps `firstStep` … `lastStep` of a stored slice.
 * `rows` holds at most 256 of them, the first and the last always included; every row is at
 * `/metrics?from=firstStep&to=lastStep`.
 */
export interface RunMetricsSlice {
  runId: string;
  firstStep: number;
  lastStep: number;
  count: number;
  rows: MetricRow[];
  /**
   * Only on the slice runEvents reads back after a reopened stream, when more than 256 steps were
   * stored meanwhile: `rows` are then its first and last rows, and `buckets` (of `bucketSize`
   * steps each, with each field's mean, min and max) summarise the whole gap.
   */
  downsampled?: true;
  bucketSize?: number;
  buckets?: MetricBucket[];
}

/** The messages of `GET /v1/runs/{id}/events` (see its description in openapi.yaml). */
export type RunEvent =
  | { readonly type: 'status'; readonly data: { runId: string; status: RunStatus; result: RunResult | null } }
  | {
      readonly type: 'progress';
      readonly data: {
        runId: string;
        progress: RunProgress;
        earlyStoppingState: EarlyStoppingState | null;
        /** Deprecated (kept for one version): the same as `earlyStoppingState`. */
        earlyStopping: EarlyStoppingState | null;
      };
    }
  | { readonly type: 'metrics'; readonly data: RunMetricsSlice }
  | { readonly type: 'end'; readonly data: Record<string, never> };

/** The messages of `GET /v1/sweeps/{id}/events` (see its description in openapi.yaml). */
export type SweepEvent =
  | { readonly type: 'sweep'; readonly data: { sweepId: string; status: SweepStatus; result: SweepResult | null } }
  | { readonly type: 'trial'; readonly data: { sweepId: string; runId: string; trialNumber: number | null; status: string } }
  | { readonly type: 'end'; readonly data: Record<string, never> };
