/** Datasets: the in-memory form, sources in specs, built-in generators, CSV parsing, splits, hashes. */
export * from './dataset.ts';
export { datasetContentHash } from './content-hash.ts';
export * from './source.ts';
export { builtinDatasets, builtinDatasetSchema, generateBuiltinDataset, type BuiltinDatasetSource } from './builtin/index.ts';
export { CsvDatasetReader, CsvError, parseCsvDataset, defaultCsvLimits, type CsvLimits, type CsvOptions } from './csv.ts';
export { splitDataset, defaultSplitSeed } from './split.ts';
export { resolveDataSources, type DatasetLoader } from './resolve.ts';
