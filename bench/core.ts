/** Core benchmarks, in order: the Adam step, expression gradients, the run loop. Each prints ratios. */
const suites = ['./core/adam-step.ts', './core/expression-gradient.ts', './core/run-loop.ts'];

for (const suite of suites) {
  try {
    const { run } = (await import(suite)) as { run: () => Promise<void> | void };
    await run();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    console.log(`\n${suite}: not present, skipped`);
  }
}
