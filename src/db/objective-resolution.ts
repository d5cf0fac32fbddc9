/**
 * A run's objective spec from what the run spec says, resolved one way for every reader (the
 * worker, the API's submissions, landscapes and parameter names): the tenant's stored objective
 * behind an `{id}` reference, then the tenant's datasets behind its `{id}` data references.
 *
 * What can never resolve fails with an error `isPermanentObjectiveError` recognises (an
 * objective or dataset that does not exist, a file path the service cannot read, stored data
 * that no longer validates); anything else (a database that went away) is not the spec's fault.
 */
import type { ObjectiveSpec, ResolvedObjectiveSpec } from '../core/objectives/index.ts';
import { isObjectiveReference, type ObjectiveReference } from '../core/training/index.ts';
import { DatasetNotFoundError, isPermanentDatasetError, type DatasetRepository, type ResolutionOptions } from './datasets.ts';
import { StoredObjectiveError, type ObjectiveRepository } from './objectives.ts';
import { referenceFields, type ReferenceField } from './reference-fields.ts';

/** An `{id}` reference to a stored objective the tenant does not have. */
export class ObjectiveNotFoundError extends Error {
  override readonly name = 'ObjectiveNotFoundError';
  /** Where the reference sits in the objective field. */
  readonly path = 'id';
  constructor(readonly objectiveId: string) {
    super(`There is no stored objective ${objectiveId}.`);
  }
}

/**
 * What resolving `objective` throws once its `field` names a stored objective or dataset the
 * tenant no longer has: the database found it gone as it stored a run or sweep of it.
 */
export function missingReferenceError(objective: unknown, field: ReferenceField): ObjectiveNotFoundError | DatasetNotFoundError {
  const named = objective as { id?: unknown; data?: { id?: unknown }; validation?: { id?: unknown } };
  if (field === 'objective') return new ObjectiveNotFoundError(String(named.id));
  return new DatasetNotFoundError(String(named[field]?.id), `${field}.id`);
}

/** The objective fields a sweep parameter may name a stored objective or dataset at, by the parameter's path. */
export const referenceParameters: Readonly<Record<string, ReferenceField>> = Object.fromEntries(
  Object.entries(referenceFields).map(([path, field]) => [`objective.${path}`, field]));

/** A value of a sweep's parameter (`values[index]`) naming a stored objective or dataset its tenant does not have. */
export interface MissingParameterReference {
  readonly parameter: string;
  readonly index: number;
  /** What resolving a trial's objective of that value would throw. */
  readonly error: ObjectiveNotFoundError | DatasetNotFoundError;
}

/**
 * The values of a sweep's parameters that name a stored objective or dataset its tenant does not
 * have, found as the sweep is stored: each trial of one would fail as a run naming it is refused.
 */
export class MissingParameterReferencesError extends Error {
  override readonly name = 'MissingParameterReferencesError';
  constructor(readonly missing: readonly MissingParameterReference[]) {
    super(missing.map(({ parameter, index, error }) => `parameters["${parameter}"].values[${index}]: ${error.message}`).join(' '));
  }
}

/** What a trial's objective of `id` at `field` would throw when it does not exist. */
export function missingParameterReference(parameter: string, index: number, field: ReferenceField, id: string): MissingParameterReference {
  const error = field === 'objective' ? new ObjectiveNotFoundError(id) : new DatasetNotFoundError(id, `${field}.id`);
  return { parameter, index, error };
}

export interface ObjectiveSources {
  readonly objectives: ObjectiveRepository;
  readonly datasets: DatasetRepository;
}

export function isPermanentObjectiveError(error: unknown): boolean {
  return error instanceof ObjectiveNotFoundError || error instanceof StoredObjectiveError || isPermanentDatasetError(error);
}

/** The objective spec itself, or the stored one an `{id}` reference names. */
export async function storedObjectiveSpec(
  { objectives }: Pick<ObjectiveSources, 'objectives'>,
  tenantId: string,
  objective: ObjectiveSpec | ObjectiveReference,
): Promise<ObjectiveSpec> {
  if (!isObjectiveReference(objective)) return objective;
  const stored = await objectives.findSpec(tenantId, objective.id);
  if (!stored) throw new ObjectiveNotFoundError(objective.id);
  return stored;
}

/** The objective spec with its stored definition and its data references resolved. */
export async function resolveObjectiveSpec(
  sources: ObjectiveSources,
  tenantId: string,
  objective: ObjectiveSpec | ObjectiveReference,
  options: ResolutionOptions = {},
): Promise<ResolvedObjectiveSpec> {
  return sources.datasets.resolveDatasetReferences(await storedObjectiveSpec(sources, tenantId, objective), tenantId, options);
}
