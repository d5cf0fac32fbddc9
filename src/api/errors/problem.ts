/**
 * RFC 9457 problem details, the body of every error response (`application/problem+json`).
 */
import { z } from 'zod';
import { usedBySchema } from '../../contracts/used-by.ts';

export const problemContentType = 'application/problem+json';

const fieldIssueSchema = z
  .object({
    path: z.string().describe("The bad field, written as in JavaScript: `optimizer.learningRate`, `objective.initial[1]`; '' is the whole document."),
    message: z.string().describe('What is wrong with it, in a sentence.'),
    code: z.string().describe('A stable machine-readable reason, e.g. `too_small`, `unrecognized_keys`.'),
  })
  .meta({ id: 'FieldIssue', description: 'One bad field of a request, with what is wrong.' });

const quotaSchema = z
  .object({
    name: z.string().describe('The setting that sets the quota, e.g. `TENANT_MAX_ACTIVE_RUNS`, `TENANT_MAX_METRIC_ROWS`.'),
    limit: z.number().describe('Its value: what the tenant may have at most.'),
    used: z.number().describe('What the tenant has now, in the same unit.'),
    requested: z.number().describe('What this request would have added.'),
  })
  .meta({ id: 'Quota', description: 'The quota a request would exceed: its name, its limit, the current use and what the request asked for.' });

export const problemSchema = z
  .object({
    type: z.string().describe('A URI naming the kind of problem; `urn:descent:problem:<code>`.'),
    title: z.string().describe('The kind of problem, in a few words.'),
    status: z.number().int().describe('The HTTP status, repeated.'),
    detail: z.string().optional().describe('This occurrence, in a sentence: what to fix, or what failed.'),
    instance: z.string().optional().describe('The request path.'),
    code: z.string().describe('Stable error code, e.g. `validation_failed`, `unauthorized`, `not_found`, `rate_limited`.'),
    errors: z.array(fieldIssueSchema).optional().describe('For validation errors: one entry per invalid field.'),
    quota: quotaSchema.optional().describe('For `quota_exceeded`, `storage_quota_exceeded` and `too_many_concurrent`: the quota, its limit and the current use.'),
    usedBy: usedBySchema.optional().describe('For `objective_in_use` and `dataset_in_use`: the runs, sweeps and stored objectives that keep it.'),
  })
  .meta({ id: 'Problem', description: 'An error, as RFC 9457 problem details.' });

export type Problem = z.infer<typeof problemSchema>;

export type QuotaUse = z.infer<typeof quotaSchema>;

export function problemType(code: string): string {
  return `urn:descent:problem:${code}`;
}

/** Response schemas for the error statuses a route can answer, for the OpenAPI document. */
export function problemResponses<const Status extends number>(...statuses: Status[]): Record<Status, typeof problemSchema> {
  return Object.fromEntries(statuses.map((status) => [status, problemSchema])) as Record<Status, typeof problemSchema>;
}
