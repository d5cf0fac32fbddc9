/**
 * The syntax tree of a parsed expression. Variables are already resolved to their index in
 * the parameter vector, and the constants pi and e to numbers, so later stages never see names.
 */
import type { OperationDefinition } from './operations.ts';

export type ExpressionNode =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'variable'; readonly index: number }
  /** An operator or a function call, applied to one or two operands. */
  | { readonly kind: 'apply'; readonly operation: OperationDefinition; readonly operands: readonly ExpressionNode[] };
