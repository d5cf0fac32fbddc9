/** A problem+json answer from the API, thrown by the client's helpers. */
import type { components } from './openapi-types.ts';
import { withoutUserInfo } from './url-credentials.ts';

export type Problem = components['schemas']['Problem'];

export class ProblemError extends Error {
  override readonly name = 'ProblemError';

  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(`${problem.code}: ${oneLine(problem)}`);
  }

  /** The stable error code, e.g. `validation_failed`, `not_found`, `rate_limited`. */
  get code(): string {
    return this.problem.code;
  }
}

/**
 * The problem as one line: its detail, then each invalid field with its message that the detail
 * does not already give (nor is, nor holds, as the one issue of a problem about the whole body
 * may: a CSV upload's detail quotes its line and column), joined by "; " (the period that ends a
 * part but the last dropped: no ".;").
 */
function oneLine(problem: Problem): string {
  const detail = problem.detail ?? problem.title;
  const fields = (problem.errors ?? [])
    .filter((issue) => issue.message !== detail)
    .filter((issue) => !(issue.path === '' && detail.includes(issue.message.replace(/\.$/, ''))))
    .map((issue) => `${issue.path || '(body)'}: ${issue.message}`)
    .filter((field) => !detail.includes(field));
  const parts = [detail, ...fields];
  const text = parts.map((part, index) => (index < parts.length - 1 ? part.replace(/\.$/, '') : part)).join('; ');
  return text.replace(/\s*\n\s*/g, ' ');
}

/**
 * The ProblemError of a failed response: its problem+json body, or a problem made from the
 * status when the body is something else (a proxy's HTML page, an empty 502).
 */
export async function problemOf(response: Response, body?: unknown): Promise<ProblemError> {
  let problem = body;
  if (problem === undefined) problem = await response.text().then((text) => { try { return JSON.parse(text); } catch { return text; } }, () => undefined);
  if (isProblem(problem)) return new ProblemError(response.status, problem);
  const title = response.statusText || `HTTP ${response.status}`;
  return new ProblemError(response.status, { type: 'about:blank', title, status: response.status, code: `http_${response.status}`, detail: `${withoutUserInfo(response.url)} answered ${response.status} ${title}.` });
}

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && typeof (value as Problem).code === 'string' && typeof (value as Problem).status === 'number';
}
