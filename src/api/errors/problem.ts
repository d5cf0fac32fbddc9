/**
 * RFC 9457 problem details, the body of every error response (`application/problem+json`).
 */
import { z } from 'zod';

export const problemContentType = 'application/problem+json';

export const fieldIssueSchema = z
  .object({
    path: z.string().describe("The bad field, written as in JavaScript: `optimizer.learningRate`, `objective.initial[1]`; '' is the whole document."),
    message: z.string(),
    code: z.string().describe('A stable machine-readable reason, e.g. `too_small`, `unrecognized_keys`.'),
  })
  .meta({ id: 'FieldIssue' });

export const problemSchema = z
  .object({
    type: z.string().describe('A URI naming the kind of problem; `urn:descent:problem:<code>`.'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional().describe('The request path.'),
    code: z.string().describe('Stable error code, e.g. `validation_failed`, `unauthorized`, `not_found`, `rate_limited`.'),
    errors: z.array(fieldIssueSchema).optional().describe('For validation errors: one entry per invalid field.'),
  })
  .meta({ id: 'Problem', description: 'An error, as RFC 9457 problem details.' });

export type Problem = z.infer<typeof problemSchema>;

export function problemType(code: string): string {
  return `urn:descent:problem:${code}`;
}

/** Response schemas for the error statuses a route can answer, for the OpenAPI document. */
export function problemResponses<const Status extends number>(...statuses: Status[]): Record<Status, typeof problemSchema> {
  return Object.fromEntries(statuses.map((status) => [status, problemSchema])) as Record<Status, typeof problemSchema>;
}
