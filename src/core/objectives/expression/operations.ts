/**
 * Every elementary operation an expression may use, written once as JavaScript source
 * templates: the value, and the partial derivative with respect to each argument (in terms of
 * the arguments `x`, `y` and the result `v`). The compiler pastes these templates into generated
 * code with its own local names; the interpreter builds its functions from the same templates
 * when this module loads. No user text ever reaches a template.
 *
 * Conventions at points without a derivative: abs'(0) = 0; min and max send the whole
 * gradient to the first argument on a tie; ∂(x^y)/∂y is taken as 0 where x ≤ 0 (where the
 * limit from the right exists, x = 0, it is 0).
 */
type Template = (x: string, y: string, v: string) => string;

export interface OperationDefinition {
  readonly name: string;
  readonly arity: 1 | 2;
  /** One line for the function catalogue and error messages. */
  readonly description: string;
  /** Source of the value. */
  readonly value: Template;
  /** Source of ∂v/∂x (and ∂v/∂y). */
  readonly partials: readonly Template[];
  /** The value as a function, built from `value`. */
  readonly evaluate: (x: number, y: number) => number;
  /** The partials as functions, built from `partials`. */
  readonly differentiate: readonly ((x: number, y: number, v: number) => number)[];
}

function define(name: string, arity: 1 | 2, description: string, value: Template, partials: Template[]): OperationDefinition {
  // The templates are constant strings of this module, so building them is not evaluating user text.
  const evaluate = new Function('x', 'y', `return ${value('x', 'y', '')};`) as OperationDefinition['evaluate'];
  const differentiate = partials.map(
    (partial) => new Function('x', 'y', 'v', `return ${partial('x', 'y', 'v')};`) as OperationDefinition['differentiate'][number],
  );
  return { name, arity, description, value, partials, evaluate, differentiate };
}

/** The operators of the grammar (and the squaring the compiler uses for x^2). */
export const operators = {
  add: define('add', 2, 'x + y', (x, y) => `${x} + ${y}`, [() => '1', () => '1']),
  subtract: define('subtract', 2, 'x - y', (x, y) => `${x} - ${y}`, [() => '1', () => '-1']),
  multiply: define('multiply', 2, 'x * y', (x, y) => `${x} * ${y}`, [(_x, y) => y, (x) => x]),
  divide: define('divide', 2, 'x / y', (x, y) => `${x} / ${y}`, [(_x, y) => `1 / ${y}`, (_x, y, v) => `-${v} / ${y}`]),
  negate: define('negate', 1, '-x', (x) => `-${x}`, [() => '-1']),
  square: define('square', 1, 'x * x', (x) => `${x} * ${x}`, [(x) => `2 * ${x}`]),
  power: define('power', 2, 'x ^ y', (x, y) => `Math.pow(${x}, ${y})`, [
    (x, y) => `${y} * Math.pow(${x}, ${y} - 1)`,
    (x, _y, v) => `(${x} > 0 ? Math.log(${x}) * ${v} : 0)`,
  ]),
} as const;

const unary = (name: string, description: string, value: Template, partial: Template) =>
  define(name, 1, description, value, [partial]);

/** The functions an expression may call, by name (a Map, so that 'constructor' is not one). */
export const functions: ReadonlyMap<string, OperationDefinition> = new Map(
  [
    unary('exp', 'e to the power x', (x) => `Math.exp(${x})`, (_x, _y, v) => v),
    unary('expm1', 'exp(x) - 1, accurate near 0', (x) => `Math.expm1(${x})`, (_x, _y, v) => `${v} + 1`),
    unary('log', 'natural logarithm', (x) => `Math.log(${x})`, (x) => `1 / ${x}`),
    unary('log1p', 'log(1 + x), accurate near 0', (x) => `Math.log1p(${x})`, (x) => `1 / (1 + ${x})`),
    unary('sqrt', 'square root', (x) => `Math.sqrt(${x})`, (_x, _y, v) => `0.5 / ${v}`),
    unary('abs', 'absolute value', (x) => `Math.abs(${x})`, (x) => `(${x} > 0 ? 1 : ${x} < 0 ? -1 : 0)`),
    unary('sin', 'sine', (x) => `Math.sin(${x})`, (x) => `Math.cos(${x})`),
    unary('cos', 'cosine', (x) => `Math.cos(${x})`, (x) => `-Math.sin(${x})`),
    unary('tan', 'tangent', (x) => `Math.tan(${x})`, (_x, _y, v) => `1 + ${v} * ${v}`),
    unary('asin', 'inverse sine', (x) => `Math.asin(${x})`, (x) => `1 / Math.sqrt(1 - ${x} * ${x})`),
    unary('acos', 'inverse cosine', (x) => `Math.acos(${x})`, (x) => `-1 / Math.sqrt(1 - ${x} * ${x})`),
    unary('atan', 'inverse tangent', (x) => `Math.atan(${x})`, (x) => `1 / (1 + ${x} * ${x})`),
    unary('sinh', 'hyperbolic sine', (x) => `Math.sinh(${x})`, (x) => `Math.cosh(${x})`),
    unary('cosh', 'hyperbolic cosine', (x) => `Math.cosh(${x})`, (x) => `Math.sinh(${x})`),
    unary('tanh', 'hyperbolic tangent', (x) => `Math.tanh(${x})`, (_x, _y, v) => `1 - ${v} * ${v}`),
    // σ(x) = 1/(1 + e^−x); σ' = σ(1 − σ).
    unary('sigmoid', 'logistic function 1/(1 + exp(-x))', (x) => `1 / (1 + Math.exp(-${x}))`, (_x, _y, v) => `${v} * (1 - ${v})`),
    // softplus(x) = log(1 + e^x), written so that neither branch overflows; softplus' = σ.
    unary(
      'softplus',
      'log(1 + exp(x)), computed without overflow',
      (x) => `(${x} > 0 ? ${x} + Math.log1p(Math.exp(-${x})) : Math.log1p(Math.exp(${x})))`,
      (x) => `1 / (1 + Math.exp(-${x}))`,
    ),
    define('min', 2, 'the smaller of x and y', (x, y) => `Math.min(${x}, ${y})`, [
      (x, y) => `(${x} <= ${y} ? 1 : 0)`,
      (x, y) => `(${x} <= ${y} ? 0 : 1)`,
    ]),
    define('max', 2, 'the larger of x and y', (x, y) => `Math.max(${x}, ${y})`, [
      (x, y) => `(${x} >= ${y} ? 1 : 0)`,
      (x, y) => `(${x} >= ${y} ? 0 : 1)`,
    ]),
    { ...operators.power, name: 'pow', description: 'x to the power y (as x ^ y)' },
  ].map((definition) => [definition.name, definition] as const),
);

/** Named constants, replaced by their double at parse time. */
export const constants: ReadonlyMap<string, number> = new Map([
  ['pi', Math.PI],
  ['e', Math.E],
]);
