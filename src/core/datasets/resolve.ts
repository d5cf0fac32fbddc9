/**
 * Resolution of data sources that need I/O (`{ id }`, `{ path }`). The core cannot read files or
 * databases, so the service and the CLI call `resolveDataSources` with their own loader before
 * building the objective; inline and built-in sources pass through untouched.
 */
import { isDataset, type Dataset } from './dataset.ts';
import { isExternalDatasetSource, type DatasetSource, type ExternalDatasetSource } from './source.ts';

export type DatasetLoader = (source: ExternalDatasetSource) => Dataset | Promise<Dataset>;

/** The fields of a spec that hold data sources. */
interface WithDataSources {
  readonly data: DatasetSource | Dataset;
  readonly validation?: DatasetSource | Dataset;
}

/** A copy of `spec` whose `data` and `validation`, when they are ids or paths, are loaded Datasets. */
export async function resolveDataSources<Spec extends WithDataSources>(spec: Spec, load: DatasetLoader): Promise<Spec> {
  const resolve = async (source: DatasetSource | Dataset) =>
    isDataset(source) || !isExternalDatasetSource(source) ? source : load(source);
  const data = await resolve(spec.data);
  const validation = spec.validation === undefined ? undefined : await resolve(spec.validation);
  return { ...spec, data, ...(validation === undefined ? {} : { validation }) };
}
