/**
 * Expression objectives: the compiled value-and-gradient of rosenbrock and beale (as written in
 * the reference trajectories) against a hand-written value-and-gradient (the ceiling) and
 * against mathjs's symbolic derivatives compiled per variable (a peer). Prints per-call rates
 * and ratios; all candidates are measured interleaved in the same run.
 *
 * Each candidate runs in its own loop function, so that every call site stays monomorphic: a
 * shared loop would see several targets and stop inlining. The loops are built from one source
 * made unique per candidate by a comment, since V8 would otherwise hand every `new Function` of
 * identical text the same compiled function and its shared feedback.
 */
import { pathToFileURL } from 'node:url';
import { compile, derivative } from 'mathjs';
import { formatRate, formatRatio, measureInterleaved, printTable, type Candidate } from '../support/measure.ts';
import { bealeValueAndGradient } from '../../src/core/objectives/benchmarks/beale.ts';
import { compileExpression } from '../../src/core/objectives/expression/expression-objective.ts';

type ValueAndGradient = (params: Float64Array, gradient: Float64Array) => number;

const problems: { name: string; expression: string; start: [number, number]; handWritten: ValueAndGradient }[] = [
  {
    name: 'rosenbrock',
    expression: '(1 - x)^2 + 100*(y - x^2)^2',
    start: [-1.5, 2],
    handWritten(p, g) {
      const x = p[0];
      const a = 1 - x;
      const d = p[1] - x * x;
      g[0] = -2 * a - 400 * x * d;
      g[1] = 200 * d;
      return a * a + 100 * (d * d);
    },
  },
  {
    name: 'beale',
    expression: '(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2',
    start: [1, 1.5],
    handWritten: bealeValueAndGradient,
  },
];

/** mathjs: the expression and one symbolic derivative per variable, each compiled once. */
function mathjsValueAndGradient(expression: string, variables: readonly string[]): ValueAndGradient {
  const value = compile(expression);
  const partials = variables.map((variable) => derivative(expression, variable).compile());
  const scope: Record<string, number> = {};
  return (p, g) => {
    variables.forEach((variable, i) => (scope[variable] = p[i]));
    partials.forEach((partial, i) => (g[i] = partial.evaluate(scope) as number));
    return value.evaluate(scope) as number;
  };
}

// The loop perturbs x each call so that nothing can be hoisted out of it.
const loopSource = `
  let sink = 0;
  const x0 = p[0];
  for (let k = 0; k < calls; k++) {
    p[0] = x0 + k * 1e-15;
    sink += f(p, g) + g[0];
  }
  p[0] = x0;
  return sink;`;

let loops = 0;

function candidate(name: string, f: ValueAndGradient, start: [number, number], calls: number): Candidate {
  const loop = new Function('f', 'p', 'g', 'calls', `${loopSource}\n// ${JSON.stringify(name)} ${++loops}`) as (f: ValueAndGradient, p: Float64Array, g: Float64Array, calls: number) => number;
  const p = Float64Array.from(start);
  const g = new Float64Array(2);
  return {
    name,
    run: () => {
      if (!Number.isFinite(loop(f, p, g, calls))) throw new Error(`${name}: non-finite result`);
      return calls;
    },
  };
}

/** The three candidates must agree before their speed means anything. */
function checkAgreement(name: string, candidates: ValueAndGradient[], start: [number, number]): void {
  const results = candidates.map((f) => {
    const g = new Float64Array(2);
    return [f(Float64Array.from(start), g), ...g];
  });
  for (const result of results.slice(1)) {
    result.forEach((entry, i) => {
      if (Math.abs(entry - results[0][i]) > 1e-9 * Math.max(1, Math.abs(results[0][i]))) {
        throw new Error(`${name}: candidates disagree (${results.map((r) => r.join(', ')).join(' | ')})`);
      }
    });
  }
}

export async function run(): Promise<void> {
  const rows: string[][] = [];
  for (const problem of problems) {
    const compiled = compileExpression(problem.expression, ['x', 'y']).valueAndGradient;
    const mathjs = mathjsValueAndGradient(problem.expression, ['x', 'y']);
    checkAgreement(problem.name, [problem.handWritten, compiled, mathjs], problem.start);
    const [hand, ours, peer] = await measureInterleaved(
      [
        candidate(`${problem.name} hand-written`, problem.handWritten, problem.start, 2_000_000),
        candidate(`${problem.name} compiled`, compiled, problem.start, 2_000_000),
        candidate(`${problem.name} mathjs`, mathjs, problem.start, 5_000),
      ],
      { rounds: 25, warmupRounds: 5 },
    );
    rows.push([
      problem.name,
      formatRate(hand.unitsPerSecond),
      formatRate(ours.unitsPerSecond),
      formatRate(peer.unitsPerSecond),
      formatRatio(ours.secondsPerUnit / hand.secondsPerUnit),
      formatRatio(peer.secondsPerUnit / ours.secondsPerUnit),
    ]);
  }
  printTable(
    'Expression value + gradient (calls per second; ratio = time per call)',
    ['objective', 'hand-written', 'compiled', 'mathjs', 'compiled / hand', 'mathjs / compiled'],
    rows,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
