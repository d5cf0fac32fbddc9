/**
 * Bounds on everything a client controls in an expression objective. They keep parsing,
 * compilation and evaluation within a few milliseconds and far from the call-stack limit.
 */
export const expressionLimits = {
  /** Characters in the expression text. */
  maxLength: 20_000,
  /** Nesting of parentheses, unary signs and right-associative powers. */
  maxDepth: 100,
  /** Nodes in the syntax tree (numbers, variables, operators, calls). */
  maxNodes: 5_000,
  /** Entries of the `variables` list. */
  maxVariables: 1_000,
  /** Characters of one variable name. */
  maxVariableNameLength: 64,
} as const;
