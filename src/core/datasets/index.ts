/** Datasets: the in-memory form, sources in specs, built-in generators, CSV parsing, splits, hashes. */
export * from './dataset.ts';
export { datasetContentHash, DatasetHasher, type ContentDigest } from './content-hash.ts';
export { datasetBlocks, joinBlocks, shapeOf, type DatasetBlock, type DatasetShape } from './dataset-blocks.ts';
export * from './source.ts';
export {  builtinDatasetSchema, generateBuiltinDataset,  } from './builtin/index.ts';
export { CsvDatasetReader, CsvError, parseCsvDataset,    } from './csv.ts';
export { splitDataset, defaultSplitSeed } from './split.ts';
export { resolveDataSources,  } from './resolve.ts';
