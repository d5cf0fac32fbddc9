/**
 * Turns a zod error into a flat list of field problems, one per bad field, with paths written
 * as in JavaScript (`optimizer.learningRate`, `objective.initial[1]`; '' is the document itself).
 * The CLI prints them; the API puts them in problem+json `errors`.
 */
import type { z } from 'zod';

export interface FieldIssue {
  readonly path: string;
  readonly message: string;
  readonly code: string;
}

type Issue = z.core.$ZodIssue;
type PathKey = PropertyKey;

export function formatPath(path: readonly PathKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) text += text ? `.${key}` : key;
    else text += `[${JSON.stringify(String(key))}]`;
  }
  return text;
}

/**
 * A union branch "did not match at all" when it rejects the object's fields or its
 * discriminator; the issues of a branch that did match say what is wrong inside it.
 */
function isShapeMismatch(issues: readonly Issue[]): boolean {
  return issues.some(
    (issue) =>
      (issue.code === 'unrecognized_keys' && issue.path.length === 0) ||
      (issue.code === 'invalid_union' && issue.errors.length === 0 && issue.path.length <= 1),
  );
}

/** The branch of a failed union that best explains the input. */
function closestBranch(branches: readonly (readonly Issue[])[]): readonly Issue[] {
  const matching = branches.filter((issues) => !isShapeMismatch(issues));
  const candidates = matching.length > 0 ? matching : branches;
  return candidates.reduce((best, issues) => (issues.length < best.length ? issues : best));
}

function collect(issues: readonly Issue[], prefix: readonly PathKey[], out: FieldIssue[]): void {
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      collect(closestBranch(issue.errors), path, out);
    } else if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: formatPath([...path, key]), message: 'Unknown field.', code: issue.code });
    } else {
      out.push({ path: formatPath(path), message: issue.message, code: issue.code });
    }
  }
}

export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  const out: FieldIssue[] = [];
  collect(error.issues, [], out);
  return out;
}
