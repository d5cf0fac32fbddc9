/**
 * What the server says exists, asked once per page load: the optimizer and benchmark
 * catalogues (GET /v1/optimizers, /v1/benchmarks), the run spec's JSON Schema (from the API's
 * OpenAPI document) and the tenant's uploaded datasets. Forms, filters and labels are built from
 * them, never from copies here.
 */
import { getJson } from './api.js';

let optimizers = null;
let benchmarks = null;
let runSpec = null;

/** A promise asked once, and asked again after a failure. */
function once(ask, forget) {
  return ask().catch((error) => {
    forget();
    throw error;
  });
}

export function benchmarkCatalogue() {
  benchmarks ??= once(async () => (await getJson('/v1/benchmarks')).body.benchmarks, () => { benchmarks = null; });
  return benchmarks;
}

/** The JSON Schema of a run spec as POST /v1/runs takes it. */
export function runSpecSchema() {
  runSpec ??= once(async () => (await getJson('/docs/json')).body.components.schemas.RunSpecInput, () => { runSpec = null; });
  return runSpec;
}

/** The tenant's uploaded datasets (first page), asked each time: uploads come and go. */
export async function uploadedDatasets() {
  return (await getJson('/v1/datasets?limit=200')).body.datasets;
}

/** The optimizer catalogue's entries (name, description, flavors, hyperparameters). */
export function optimizerCatalogue() {
  optimizers ??= once(async () => (await getJson('/v1/optimizers')).body.optimizers, () => { optimizers = null; });
  return optimizers;
}
