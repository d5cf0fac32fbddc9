/**
 * The problem of a request that does not validate: `400 validation_failed`, naming every bad
 * field, whether the error handler writes it from validation's ZodError or the objective thread
 * from a dataset upload it validated there.
 */
import type { ZodError } from 'zod';
import { toFieldIssues, type FieldIssue } from '../../contracts/issues.ts';

const validationTargets: Record<string, string> = {
  body: 'The request body',
  querystring: 'The query string',
  params: 'The path',
  headers: 'A request header',
};

/**
 * Bad fields listed in one problem, at most, and named in its `detail`: a body with 90,000
 * unknown keys gets an answer of a few kilobytes that says how many there were, not one larger
 * than the body it answers.
 */
export const maxListedIssues = 100;
const maxNamedFields = 10;

/**
 * `a, b, c` for a few fields; `a, b, … (12,000 fields)` for many. Each field once, where it first
 * comes: a field with two issues (a name that is not one, holding a NUL) is one bad field.
 */
function fieldList(issuePaths: readonly string[]): string {
  const paths = [...new Set(issuePaths)];
  if (paths.length <= maxNamedFields) return paths.join(', ');
  return `${paths.slice(0, maxNamedFields).join(', ')}, … (${paths.length} fields)`;
}

/** The issues a problem lists, and its detail: the first maxListedIssues, the detail saying how many there were. */
export function cappedIssues(detail: string, issues: readonly FieldIssue[]): { detail: string; errors: FieldIssue[] } {
  if (issues.length <= maxListedIssues) return { detail, errors: [...issues] };
  return { detail: `${detail} (the first ${maxListedIssues} of ${issues.length} issues are listed)`, errors: issues.slice(0, maxListedIssues) };
}

export function validationProblem(error: ZodError, target: string | undefined) {
  const errors: FieldIssue[] = toFieldIssues(error);
  const what = validationTargets[target ?? 'body'] ?? 'The request';
  const fields = fieldList(errors.map((issue) => issue.path || '(root)'));
  return {
    status: 400,
    code: 'validation_failed',
    title: 'The request is invalid',
    detail: `${what} is invalid: ${fields}.`,
    errors,
  } as const;
}
