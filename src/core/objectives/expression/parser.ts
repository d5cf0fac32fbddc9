/**
 * Recursive-descent parser for expressions. Grammar, loosest binding first:
 *
 *   expression := term (('+' | '-') term)*
 *   term       := unary (('*' | '/') unary)*
 *   unary      := ('-' | '+') unary | power
 *   power      := primary ('^' unary)?                  right-associative: 2^3^2 = 2^(3^2)
 *   primary    := number | constant | variable | function '(' arguments ')' | '(' expression ')'
 *
 * so unary minus binds looser than '^' (-x^2 = -(x^2)) and tighter than '*'. Every path that
 * recurses passes through `unary`, which counts depth and stops at `maxDepth` long before the
 * call stack would; sums and products are loops, so long flat expressions do not nest.
 */
import type { ExpressionNode } from './ast.ts';
import { ExpressionError, quote } from './expression-error.ts';
import { expressionLimits } from './limits.ts';
import { constants, functions, operators, type OperationDefinition } from './operations.ts';
import { tokenize, type Token, type TokenKind } from './tokenizer.ts';

export interface ParsedExpression {
  readonly root: ExpressionNode;
  /** Nodes in the tree. */
  readonly nodeCount: number;
}

export function parseExpression(source: string, variables: readonly string[]): ParsedExpression {
  if (source.length > expressionLimits.maxLength) {
    throw new ExpressionError(
      `expression is ${source.length} characters long; the limit is ${expressionLimits.maxLength}`,
      null,
    );
  }
  const parser = new Parser(tokenize(source), variableIndices(variables));
  const root = parser.parseExpression();
  parser.expectEnd();
  return { root, nodeCount: parser.nodeCount };
}

/** Maps each variable to its position; throws on the first problem of `variableProblems`. */
function variableIndices(variables: readonly string[]): Map<string, number> {
  const [first] = variableProblems(variables);
  if (first) throw new ExpressionError(first.message, null);
  return new Map(variables.map((name, index) => [name, index]));
}

/** Every problem of a variable list: its length, invalid names and duplicates (index null: the list). */
export function variableProblems(variables: readonly string[]): { index: number | null; message: string }[] {
  if (variables.length > expressionLimits.maxVariables) {
    return [{ index: null, message: `${variables.length} variables; the limit is ${expressionLimits.maxVariables}` }];
  }
  const problems: { index: number | null; message: string }[] = [];
  const firstIndex = new Map<string, number>();
  variables.forEach((name, index) => {
    const problem = variableNameProblem(name);
    const earlier = firstIndex.get(name);
    if (problem) problems.push({ index, message: `variable ${index + 1}: ${problem}` });
    else if (earlier !== undefined) {
      problems.push({ index, message: `variable ${quote(name)} is listed twice (positions ${earlier + 1} and ${index + 1})` });
    } else firstIndex.set(name, index);
  });
  return problems;
}

/** Why `name` cannot be a variable, or null when it can. */
function variableNameProblem(name: string): string | null {
  if (name.length > expressionLimits.maxVariableNameLength) {
    return `name is longer than ${expressionLimits.maxVariableNameLength} characters`;
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    return `${quote(name)} is not a valid name (letters, digits and _, not starting with a digit)`;
  }
  if (functions.has(name)) return `${quote(name)} is the name of a function`;
  if (constants.has(name)) return `${quote(name)} is the name of a constant`;
  return null;
}

class Parser {
  private position = 0;
  private depth = 0;
  nodeCount = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly variables: ReadonlyMap<string, number>,
  ) {}

  parseExpression(): ExpressionNode {
    let left = this.parseTerm();
    for (let kind = this.peek().kind; kind === '+' || kind === '-'; kind = this.peek().kind) {
      this.position++;
      left = this.apply(kind === '+' ? operators.add : operators.subtract, left, this.parseTerm());
    }
    return left;
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'end') throw this.unexpected(token);
  }

  private parseTerm(): ExpressionNode {
    let left = this.parseUnary();
    for (let kind = this.peek().kind; kind === '*' || kind === '/'; kind = this.peek().kind) {
      this.position++;
      left = this.apply(kind === '*' ? operators.multiply : operators.divide, left, this.parseUnary());
    }
    return left;
  }

  private parseUnary(): ExpressionNode {
    const token = this.peek();
    if (++this.depth > expressionLimits.maxDepth) {
      throw new ExpressionError(`expression is nested more than ${expressionLimits.maxDepth} levels deep`, token.column);
    }
    let node: ExpressionNode;
    if (token.kind === '-' || token.kind === '+') {
      this.position++;
      const operand = this.parseUnary();
      node = token.kind === '-' ? this.apply(operators.negate, operand) : operand;
    } else {
      node = this.parsePower();
    }
    this.depth--;
    return node;
  }

  private parsePower(): ExpressionNode {
    const base = this.parsePrimary();
    if (this.peek().kind !== '^') return base;
    this.position++;
    return this.apply(operators.power, base, this.parseUnary());
  }

  private parsePrimary(): ExpressionNode {
    const token = this.next();
    switch (token.kind) {
      case 'number':
        return this.leaf({ kind: 'number', value: token.value });
      case '(': {
        const inner = this.parseExpression();
        this.expect(')', `missing ')' to close the '(' at column ${token.column}`);
        return inner;
      }
      case 'identifier':
        return this.peek().kind === '(' ? this.parseCall(token) : this.parseName(token);
      default:
        throw this.unexpected(token);
    }
  }

  private parseName(token: Token): ExpressionNode {
    const index = this.variables.get(token.text);
    if (index !== undefined) return this.leaf({ kind: 'variable', index });
    const constant = constants.get(token.text);
    if (constant !== undefined) return this.leaf({ kind: 'number', value: constant });
    if (functions.has(token.text)) {
      throw new ExpressionError(`function ${quote(token.text)} must be called with arguments in parentheses`, token.column);
    }
    throw new ExpressionError(`unknown variable ${quote(token.text)}`, token.column);
  }

  private parseCall(name: Token): ExpressionNode {
    const operation = functions.get(name.text);
    if (operation === undefined) {
      const what = this.variables.has(name.text) ? `${quote(name.text)} is a variable, not a function` : `function ${quote(name.text)} does not exist`;
      throw new ExpressionError(what, name.column);
    }
    this.position++; // '('
    const operands: ExpressionNode[] = [];
    if (this.peek().kind !== ')') {
      operands.push(this.parseExpression());
      while (this.peek().kind === ',') {
        this.position++;
        operands.push(this.parseExpression());
      }
    }
    this.expect(')', `missing ')' to close the call of ${quote(name.text)} at column ${name.column}`);
    if (operands.length !== operation.arity) {
      const expected = operation.arity === 1 ? '1 argument' : `${operation.arity} arguments`;
      throw new ExpressionError(`function ${quote(name.text)} takes ${expected}, got ${operands.length}`, name.column);
    }
    return this.apply(operation, ...operands);
  }

  private apply(operation: OperationDefinition, ...operands: ExpressionNode[]): ExpressionNode {
    return this.leaf({ kind: 'apply', operation, operands });
  }

  private leaf(node: ExpressionNode): ExpressionNode {
    if (++this.nodeCount > expressionLimits.maxNodes) {
      throw new ExpressionError(`expression has more than ${expressionLimits.maxNodes} nodes`, this.peek().column);
    }
    return node;
  }

  private expect(kind: TokenKind, messageAtEnd: string): void {
    const token = this.next();
    if (token.kind === kind) return;
    if (token.kind === 'end') throw new ExpressionError(messageAtEnd, null);
    throw this.unexpected(token);
  }

  private unexpected(token: Token): ExpressionError {
    if (token.kind === 'end') return new ExpressionError('unexpected end of expression', token.column);
    return new ExpressionError(`unexpected ${quote(token.text)}`, token.column);
  }

  private peek(): Token {
    return this.tokens[this.position];
  }

  private next(): Token {
    const token = this.tokens[this.position];
    if (token.kind !== 'end') this.position++;
    return token;
  }
}
