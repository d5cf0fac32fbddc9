/**
 * The field of an objective spec that names a stored objective (`objective`, its `id`) or dataset
 * (`data`, `validation`, their `id`), as the database's check that they exist answers it
 * (runs_submit, objective_missing_reference: migrations 20261207140000 and 20261208120000).
 */
export type ReferenceField = 'objective' | 'data' | 'validation';

/**
 * The fields of an objective spec that name a stored objective or dataset, by their path in it:
 * those the database reads as what a run, sweep or stored objective names (objective_named_resources,
 * sweep_named_resources and the triggers' conditions, migration 20261213110000), which a test
 * holds them to. Every gate in code on what a spec names is derived from it.
 */
export const referenceFields: Readonly<Record<string, ReferenceField>> = { id: 'objective', 'data.id': 'data', 'validation.id': 'validation' };
