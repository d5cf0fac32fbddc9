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

/** A bound's tightness, lower tighter: a maximum's number, a minimum's negated; exclusive before inclusive at one number. */
function tightness(issue: Issue): readonly [number, number] | null {
  if (issue.code === 'too_big') return [Number(issue.maximum), issue.inclusive === false ? 0 : 1];
  if (issue.code === 'too_small') return [-Number(issue.minimum), issue.inclusive === false ? 0 : 1];
  return null;
}

/**
 * The bounds among `issues` that another at the same path makes looser: zod checks an integer
 * against the safe integers as well as against the field's own maximum, and names both
 * (`<=9007199254740991` and `<=4294967295`) for a value beyond both. A field has one bound each
 * way, the tightest; the first of equal ones.
 */
function looserBounds(issues: readonly Issue[]): Set<Issue> {
  const tightest = new Map<string, Issue>();
  const looser = new Set<Issue>();
  for (const issue of issues) {
    const own = tightness(issue);
    if (own === null) continue;
    const key = `${issue.code} ${formatPath(issue.path)}`;
    const kept = tightest.get(key);
    const theirs = kept && tightness(kept)!;
    if (kept === undefined) {
      tightest.set(key, issue);
    } else if (own[0] < theirs![0] || (own[0] === theirs![0] && own[1] < theirs![1])) {
      looser.add(kept);
      tightest.set(key, issue);
    } else {
      looser.add(issue);
    }
  }
  return looser;
}

function collect(issues: readonly Issue[], prefix: readonly PathKey[], out: FieldIssue[]): void {
  const looser = looserBounds(issues);
  for (const issue of issues) {
    if (looser.has(issue)) continue;
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
