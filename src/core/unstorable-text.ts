/**
 * Text PostgreSQL cannot store: U+0000, which neither a text column nor jsonb accepts, and a
 * UTF-16 surrogate without its pair, which is not Unicode (jsonb refuses its escape; a text
 * column would hold U+FFFD in its place). Any string a client sends may be stored (a name, a
 * column name, a sweep's categorical value, a spec's strings), so the API refuses such text with
 * a 400 naming the field instead of failing at the insert.
 */

const unstorable = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `text` cannot be stored, as the end of a sentence about it, or null when it can. */
export function unstorableTextReason(text: string): string | null {
  const found = unstorable.exec(text);
  if (found === null) return null;
  return found[0] === '\u0000'
    ? 'contains U+0000 (NUL), which cannot be stored'
    : `contains an unpaired surrogate (U+${found[0].charCodeAt(0).toString(16).toUpperCase()}), which is not Unicode text`;
}

/**
 * Whether the text of a JSON document may hold a string that cannot be stored: JSON refuses a
 * raw control character in a string, and the bytes of a lone surrogate are not UTF-8 (they are
 * decoded as U+FFFD), so either can only come as an escape, `\u0000` or `\uD800` to `\uDFFF`.
 * Nearly every body has none, and is not walked; an escaped letter (`\u00e9`, as Python's json
 * writes every non-ASCII character) is no reason to walk it.
 */
export const mayHoldUnstorableText = (json: string): boolean => /\\u(?:0000|[dD][89a-fA-F])/.test(json);

/** The bad strings a walk reports at most: a body of thousands of them is refused as well by ten. */
const reportedAtMost = 10;

export interface UnstorableText {
  readonly path: PropertyKey[];
  readonly message: string;
}

interface Visit {
  readonly value: unknown;
  readonly key: PropertyKey | null;
  readonly parent: Visit | null;
}

function pathOf(visit: Visit, key?: PropertyKey): PropertyKey[] {
  const path = key === undefined ? [] : [key];
  for (let at: Visit | null = visit; at !== null && at.key !== null; at = at.parent) path.push(at.key);
  return path.reverse();
}

const holdsText = (value: unknown): boolean => typeof value === 'string' || (typeof value === 'object' && value !== null);

/**
 * The strings of a parsed JSON value, object keys included, that cannot be stored, with their
 * paths: the first ones in document order, at most ten. Iterative, so a deeply nested document
 * is walked without exhausting the stack, in time linear in its size.
 */
export function unstorableTexts(value: unknown): UnstorableText[] {
  const found: UnstorableText[] = [];
  const pending: Visit[] = [{ value, key: null, parent: null }];
  while (pending.length > 0 && found.length < reportedAtMost) {
    const visit = pending.pop()!;
    const current = visit.value;
    if (typeof current === 'string') {
      const reason = unstorableTextReason(current);
      if (reason !== null) found.push({ path: pathOf(visit), message: `The text ${reason}.` });
    } else if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index--) {
        if (holdsText(current[index])) pending.push({ value: current[index], key: index, parent: visit });
      }
    } else if (typeof current === 'object' && current !== null) {
      const entries = Object.entries(current);
      for (const [key] of entries) {
        const reason = unstorableTextReason(key);
        if (reason !== null && found.push({ path: pathOf(visit, key), message: `The key ${reason}.` }) === reportedAtMost) return found;
      }
      for (let index = entries.length - 1; index >= 0; index--) {
        const [key, item] = entries[index]!;
        if (holdsText(item)) pending.push({ value: item, key, parent: visit });
      }
    }
  }
  return found;
}
