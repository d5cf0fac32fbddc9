/**
 * Splits expression text into tokens. Numbers follow JavaScript's decimal float syntax
 * (`1`, `1.5`, `.5`, `5.`, `1e-3`, `1E+3`); hexadecimal, octal and binary literals and
 * numeric separators are rejected with a message, because no formula needs them and `0x1`
 * would otherwise read as `0` times a variable `x1`. Identifiers are ASCII letters, digits and
 * underscores, not starting with a digit. Whitespace is space, tab, CR and LF.
 */
import { ExpressionError, quote } from './expression-error.ts';

export type TokenKind = 'number' | 'identifier' | '+' | '-' | '*' | '/' | '^' | '(' | ')' | ',' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** The source text of the token ('' for the end). */
  readonly text: string;
  /** 1-based column of its first character. */
  readonly column: number;
  /** The parsed double, for numbers. */
  readonly value: number;
}

const punctuation = new Set(['+', '-', '*', '/', '^', '(', ')', ',']);

const isDigit = (code: number) => code >= 48 && code <= 57;
const isIdentifierStart = (code: number) =>
  (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
const isIdentifierPart = (code: number) => isIdentifierStart(code) || isDigit(code);
const isWhitespace = (code: number) => code === 32 || code === 9 || code === 10 || code === 13;

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const code = source.charCodeAt(i);
    if (isWhitespace(code)) {
      i++;
    } else if (isDigit(code) || (code === 46 && isDigit(source.charCodeAt(i + 1)))) {
      i = readNumber(source, i, tokens);
    } else if (isIdentifierStart(code)) {
      const start = i;
      while (i < source.length && isIdentifierPart(source.charCodeAt(i))) i++;
      tokens.push({ kind: 'identifier', text: source.slice(start, i), column: start + 1, value: NaN });
    } else if (punctuation.has(source[i])) {
      tokens.push({ kind: source[i] as TokenKind, text: source[i], column: i + 1, value: NaN });
      i++;
    } else {
      throw new ExpressionError(`unexpected character ${describeCharacter(source, i)}`, i + 1);
    }
  }
  tokens.push({ kind: 'end', text: '', column: source.length + 1, value: NaN });
  return tokens;
}

/** Reads digits [. digits] [(e|E) [+|-] digits] from `start`; returns the index after it. */
function readNumber(source: string, start: number, tokens: Token[]): number {
  let i = start;
  const skipDigits = () => {
    while (isDigit(source.charCodeAt(i))) i++;
  };
  skipDigits();
  const prefix = source[start] === '0' && i === start + 1 ? source[i]?.toLowerCase() : undefined;
  if (prefix === 'x' || prefix === 'o' || prefix === 'b') {
    throw new ExpressionError('hexadecimal, octal and binary numbers are not supported; write the number in decimal', start + 1);
  }
  if (source[i] === '.') {
    i++;
    skipDigits();
  }
  if (source[i] === 'e' || source[i] === 'E') {
    const sign = source[i + 1] === '+' || source[i + 1] === '-' ? 1 : 0;
    if (isDigit(source.charCodeAt(i + 1 + sign))) {
      i += 1 + sign;
      skipDigits();
    }
  }
  if (source[i] === '_') {
    throw new ExpressionError('numeric separators (_) are not supported in numbers', i + 1);
  }
  const text = source.slice(start, i);
  const value = Number(text);
  if (!Number.isFinite(value)) {
    throw new ExpressionError(`number ${quote(text)} is too large for a double`, start + 1);
  }
  tokens.push({ kind: 'number', text, column: start + 1, value });
  return i;
}

/** A character for a message: printable ones quoted, others as a code point. */
function describeCharacter(source: string, index: number): string {
  const codePoint = source.codePointAt(index)!;
  const hex = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  if (codePoint < 32 || codePoint === 127 || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return hex;
  return `'${String.fromCodePoint(codePoint)}' (${hex})`;
}
