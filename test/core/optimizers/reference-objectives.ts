/**
 * The two objectives of the reference trajectories, with hand-derived gradients, so the
 * optimizer kernels can be checked without the expression compiler.
 */
export interface TestObjective {
  value(params: Float64Array): number;
  gradient(params: Float64Array, out: Float64Array): void;
}

/**
 * Rosenbrock f = (1 − x)² + 100·(y − x²)²
 *   ∂f/∂x = −2(1 − x) − 400·x·(y − x²),   ∂f/∂y = 200·(y − x²)
 */
const rosenbrock: TestObjective = {
  value: ([x, y]) => (1 - x) ** 2 + 100 * (y - x ** 2) ** 2,
  gradient([x, y], out) {
    out[0] = -2 * (1 - x) - 400 * x * (y - x * x);
    out[1] = 200 * (y - x * x);
  },
};

/**
 * Beale f = a² + b² + c² with a = 1.5 − x + xy, b = 2.25 − x + xy², c = 2.625 − x + xy³
 *   ∂f/∂x = 2a(y − 1) + 2b(y² − 1) + 2c(y³ − 1)
 *   ∂f/∂y = 2a·x + 2b·2xy + 2c·3xy²
 */
const beale: TestObjective = {
  value: ([x, y]) => (1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2,
  gradient([x, y], out) {
    const a = 1.5 - x + x * y;
    const b = 2.25 - x + x * y * y;
    const c = 2.625 - x + x * y * y * y;
    out[0] = 2 * a * (y - 1) + 2 * b * (y * y - 1) + 2 * c * (y * y * y - 1);
    out[1] = 2 * a * x + 4 * b * x * y + 6 * c * x * y * y;
  },
};

export const referenceObjectives: Readonly<Record<string, TestObjective>> = { rosenbrock, beale };
