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
export type Dataset = Schemas['Dataset'];
export type DatasetUpload = Schemas['DatasetUpload'];
/** What a dataset listing may ask: `contentHash`, only the datasets of that content. */
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
  | { readonly type: 'metrics'; readonly data: { runId: string; firstStep: number; lastStep: number; count: number; rows: MetricRow[] } }
  | { readonly type: 'end'; readonly data: Record<string, never> };

/** The messages of `GET /v1/sweeps/{id}/events` (see its description in openapi.yaml). */
export type SweepEvent =
  | { readonly type: 'sweep'; readonly data: { sweepId: string; status: SweepStatus; result: SweepResult | null } }
  | { readonly type: 'trial'; readonly data: { sweepId: string; runId: string; trialNumber: number | null; status: string } }
  | { readonly type: 'end'; readonly data: Record<string, never> };
