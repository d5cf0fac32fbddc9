/** Model benchmarks, in order: the logistic epoch (run loop against a hand-written loop), the dense models. */
const suites = ['./models/logistic-epoch.ts', './models/dense-models.ts'];

for (const suite of suites) {
  const { run } = (await import(suite)) as { run: () => Promise<void> | void };
  await run();
}
