/** fast-check generators of expression text over the variables x, y, z, for property tests. */
import fc from 'fast-check';

export const variables = ['x', 'y', 'z'];

const leaf = fc.oneof(
  fc.constantFrom(...variables),
  fc.double({ min: -2, max: 2, noNaN: true }).map((value) => `(${value})`),
  fc.constantFrom('pi', 'e', '0.5', '3'),
);

/**
 * Smooth, well-conditioned expressions: every function is applied where it is smooth and its
 * values stay moderate on [−2, 2]³, so finite differences are accurate.
 */
export const smoothExpression = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(tie('node'), fc.constantFrom('+', '-', '*'), tie('node')).map(([a, op, b]) => `(${a} ${op} ${b})`),
    tie('node').map((a) => `-${a}`),
    tie('node').map((a) => `(${a})^2`),
    tie('node').map((a) => `(${a})^3`),
    fc.tuple(tie('node'), tie('node')).map(([a, b]) => `${a} / (2.5 + sin(${b}))`),
    fc.tuple(fc.constantFrom('sin', 'cos', 'tanh', 'sigmoid', 'softplus', 'atan'), tie('node')).map(([f, a]) => `${f}(${a})`),
    tie('node').map((a) => `exp(tanh(${a}))`),
    tie('node').map((a) => `log(1 + (${a})^2)`),
    tie('node').map((a) => `sqrt(1 + (${a})^2)`),
    tie('node').map((a) => `(1 + (${a})^2)^0.75`),
    fc.tuple(tie('node'), tie('node')).map(([a, b]) => `pow(1.5 + cos(${a}), ${b})`),
  ),
})).node;

/** Anything the grammar accepts, including kinks, domain errors and overflow. */
export const anyExpression = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(tie('node'), fc.constantFrom('+', '-', '*', '/', '^'), tie('node')).map(([a, op, b]) => `(${a} ${op} ${b})`),
    tie('node').map((a) => `-${a}`),
    fc.tuple(fc.integer({ min: -3, max: 18 }), tie('node')).map(([n, a]) => `(${a})^${n}`),
    fc
      .tuple(
        fc.constantFrom('exp', 'expm1', 'log', 'log1p', 'sqrt', 'abs', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'sigmoid', 'softplus'),
        tie('node'),
      )
      .map(([f, a]) => `${f}(${a})`),
    fc.tuple(fc.constantFrom('min', 'max', 'pow'), tie('node'), tie('node')).map(([f, a, b]) => `${f}(${a}, ${b})`),
  ),
})).node;

export const point = fc.tuple(
  fc.double({ min: -2, max: 2, noNaN: true }),
  fc.double({ min: -2, max: 2, noNaN: true }),
  fc.double({ min: -2, max: 2, noNaN: true }),
);
