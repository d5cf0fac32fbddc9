import { createClient } from 'descent/client';

const descent = createClient({ url: process.env.DESCENT_URL ?? 'http://127.0.0.1:3000', apiKey: process.env.DESCENT_API_KEY });

const { id } = await descent.submitRun({
  objective: { type: 'benchmark', name: 'rosenbrock' },
  optimizer: { name: 'adam', learningRate: 0.02 },
  training: { maxSteps: 3000 },
});
const run = await descent.waitForRun(id, {
  onEvent: (event) => event.type === 'progress' && console.error(`step ${event.data.progress.step}`),
});
console.log(`${run.status}: ${run.result?.message} final loss ${run.result?.finalLoss}`);

const curve = await descent.metrics(id, { fields: 'loss', maxPoints: 5 });
for (const point of curve.points) console.log(`step ${point.step}: loss ${point.loss}`);

const csv = await descent.metricsCsv(id, { fields: 'loss,gradNorm' }); // every recorded step
console.log(`${csv.trimEnd().split('\n').length - 1} rows of CSV`);
