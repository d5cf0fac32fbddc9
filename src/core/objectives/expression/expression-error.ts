/**
 * The one error the expression front end throws: a message for humans that names the column
 * (1-based, in UTF-16 code units) where the problem is.
 */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
  /** 1-based column of the offending token, or null when the problem has no position. */
  readonly column: number | null;

  constructor(message: string, column: number | null) {
    super(column === null ? message : `${message} at column ${column}`);
    this.column = column;
  }
}

/** User text quoted in a message, shortened so that a huge token cannot flood a response. */
export function quote(text: string): string {
  const shown = text.length > 32 ? `${text.slice(0, 32)}…` : text;
  return `'${shown}'`;
}
