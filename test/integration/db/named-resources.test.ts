/**
 * What a stored objective or sweep names, as the database sets it when the row is written
 * (`named_resources`, migration 20261213110000): the ids in the fields that name a stored
 * objective or dataset, in any case, and nothing for a row naming none; written again with the
 * definition or spec, or over the column itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceFields } from '../../../src/db/reference-fields.ts';
import { useTestDatabase } from './support.ts';

const database = useTestDatabase();
let tenantId: string;
const objectiveId = '018f0000-0000-7000-8000-000000000b1f';
const datasetId = '018f0000-0000-7000-8000-00000000da7d';
const validationId = '018f0000-0000-7000-8000-00000000da7e';

beforeAll(async () => {
  tenantId = await database.tenant('named-resources');
});
afterAll(async () => {
  await database.pool.query('DELETE FROM tenants WHERE id = $1::uuid', [tenantId]);
});

/** The ids the row of `table` stored with `column` = `value` names, as the database set them. */
async function stored(table: 'objectives' | 'sweeps', value: string): Promise<string[] | null> {
  const column = table === 'objectives' ? 'definition' : 'spec';
  const cast = table === 'objectives' ? 'jsonb' : 'json';
  const { rows: [row] } = await database.pool.query<{ named: string[] | null }>(
    `INSERT INTO ${table} (id, tenant_id, ${column}) VALUES (gen_random_uuid(), $1, $2::${cast}) RETURNING named_resources::text[] AS named`, [tenantId, value]);
  return row!.named;
}

const sweep = (objective: object, parameters: object = { 'optimizer.learningRate': { type: 'float', low: 0.01, high: 0.1 } }, extra: object = {}) =>
  JSON.stringify({ ...extra, base: { objective, optimizer: { name: 'sgd' } }, parameters });

describe('the stored objective and datasets a stored objective or sweep names', () => {
  it('of a stored objective: its data and validation datasets, in any case; none for an expression or inline data', async () => {
    expect(await stored('objectives', JSON.stringify({ type: 'model', model: 'logistic', data: { id: datasetId.toUpperCase() }, validation: { id: validationId } })))
      .toEqual([datasetId, validationId]);
    expect(await stored('objectives', JSON.stringify({ type: 'model', model: 'logistic', data: { rows: [[0, 1]] }, validation: { id: datasetId } }))).toEqual([datasetId]);
    expect(await stored('objectives', JSON.stringify({ type: 'model', model: 'logistic', data: { rows: [[0, 1]] }, name: datasetId }))).toBeNull();
    expect(await stored('objectives', JSON.stringify({ type: 'expression', expression: 'x^2', variables: ['x'] }))).toBeNull();
  });

  it('of a sweep: those its base objective names and its parameters over those fields list, ids only', async () => {
    expect(await stored('sweeps', sweep({ id: objectiveId.toUpperCase() }))).toEqual([objectiveId]);
    expect(await stored('sweeps', sweep({ type: 'model', model: 'logistic', data: { id: datasetId }, validation: { id: validationId } }))).toEqual([datasetId, validationId]);
    expect(await stored('sweeps', sweep({ id: objectiveId }, {
      'objective.id': { type: 'categorical', values: [objectiveId, 'rosenbrock'] },
      'objective.data.id': { type: 'categorical', values: [datasetId] },
      'objective.validation.id': { type: 'categorical', values: [validationId.toUpperCase(), 3] },
    }))).toEqual([objectiveId, objectiveId, datasetId, validationId]);
    // A parameter over another field, or a name, mentioning an id names nothing: no trial reads it as one.
    expect(await stored('sweeps', sweep({ type: 'benchmark', name: 'sphere' }, { 'objective.name': { type: 'categorical', values: [datasetId] } }, { name: datasetId }))).toBeNull();
    expect(await stored('sweeps', sweep({ type: 'benchmark', name: 'sphere' }))).toBeNull();
  });

  it('of a sweep whose spec spells the fields with escapes, as JSON allows', async () => {
    const spec = sweep({ type: 'model', model: 'logistic', data: { id: datasetId } }, { 'objective.validation.id': { type: 'categorical', values: [validationId] } })
      .replaceAll('"id"', '"\\u0069d"').replace('.id"', '.\\u0069\\u0064"');
    expect(spec).not.toMatch(/[".]id"/);
    expect(await stored('sweeps', spec)).toEqual([datasetId, validationId]);
  });

  it('follows an update of the definition or spec, and puts back what an update of the column itself says', async () => {
    const { rows: [objective] } = await database.pool.query<{ id: string }>(
      `INSERT INTO objectives (id, tenant_id, definition) VALUES (gen_random_uuid(), $1, $2::jsonb) RETURNING id`,
      [tenantId, JSON.stringify({ type: 'model', model: 'logistic', data: { id: datasetId } })]);
    const { rows: [stored] } = await database.pool.query<{ id: string }>(
      `INSERT INTO sweeps (id, tenant_id, spec) VALUES (gen_random_uuid(), $1, $2::json) RETURNING id`, [tenantId, sweep({ type: 'benchmark', name: 'sphere' })]);
    const named = async (table: 'objectives' | 'sweeps', id: string, update: string, value: string | null) =>
      (await database.pool.query<{ named: string[] | null }>(`UPDATE ${table} SET ${update} WHERE id = $1 RETURNING named_resources::text[] AS named`, [id, value])).rows[0]!.named;

    expect(await named('objectives', objective!.id, 'definition = $2::jsonb', JSON.stringify({ type: 'model', model: 'logistic', data: { id: validationId } }))).toEqual([validationId]);
    expect(await named('objectives', objective!.id, 'named_resources = $2::uuid[]', `{${datasetId}}`)).toEqual([validationId]);
    expect(await named('objectives', objective!.id, 'definition = $2::jsonb', JSON.stringify({ type: 'expression', expression: 'x', variables: ['x'] }))).toBeNull();
    expect(await named('sweeps', stored!.id, 'spec = $2::json', sweep({ id: objectiveId }))).toEqual([objectiveId]);
    expect(await named('sweeps', stored!.id, 'named_resources = NULL, name = $2', 'cleared')).toEqual([objectiveId]);
    expect(await named('sweeps', stored!.id, 'spec = $2::json', sweep({ type: 'benchmark', name: 'sphere' }))).toBeNull();
    // A sweep's coordination and ending leave them as they are.
    await named('sweeps', stored!.id, 'spec = $2::json', sweep({ id: objectiveId }));
    expect(await named('sweeps', stored!.id, `status = 'completed', result = $2::jsonb, finished_at = now()`, '{}')).toEqual([objectiveId]);
  });
  it('are read at the fields the code lists as naming one (referenceFields), and at no other', async () => {
    /** An object holding `value` at the dotted `path`. */
    const at = (path: string, value: unknown): Record<string, unknown> =>
      path.split('.').reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
    const names = async (path: string) => {
      const objective = at(path, datasetId);
      const parameter = { [`objective.${path}`]: { type: 'categorical', values: [datasetId] } };
      const { rows: [row] } = await database.pool.query<{ objective: string[] | null; run: string[] | null; parameter: string[] | null }>(
        `SELECT objective_named_resources($1::jsonb)::text[] AS objective, run_named_resources(jsonb_build_object('objective', $1::jsonb))::text[] AS run,
                sweep_named_resources($2::jsonb)::text[] AS parameter`, [JSON.stringify(objective), sweep({ type: 'benchmark', name: 'sphere' }, parameter)]);
      // Through the triggers too, whose conditions skip a row that names nothing.
      return { ...row, storedObjective: await stored('objectives', JSON.stringify(objective)), storedSweep: await stored('sweeps', sweep(objective)) };
    };
    const named = { objective: [datasetId], run: [datasetId], parameter: [datasetId], storedObjective: [datasetId], storedSweep: [datasetId] };
    const none = { objective: null, run: null, parameter: null, storedObjective: null, storedSweep: null };
    // The fields an objective spec has or could have an id at, with those listed: each names one if and only if it is listed.
    const candidates = ['id', 'data.id', 'validation.id', 'name', 'model.id', 'data.source.id', 'validation.data.id', 'dataset.id', 'data.ids', 'objective.id'];
    for (const path of new Set([...Object.keys(referenceFields), ...candidates])) {
      expect({ path, ...(await names(path)) }).toEqual({ path, ...(Object.hasOwn(referenceFields, path) ? named : none) });
    }
  });
});
