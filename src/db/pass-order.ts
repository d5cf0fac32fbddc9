/**
 * The order in which the reconcilers read their candidates (unfinished runs or sweeps of a
 * deployment), a batch at a time: by last write, then id; and a batch's place in it, which a
 * pass resumes after (src/worker/pass-cursor.ts).
 */

/** A candidate's place in that order: its last write, then its id. */
export interface PassPosition {
  readonly updatedAt: Date;
  readonly id: string;
}

/** Before every candidate: no row was written before 1970, and no uuid is below the nil one. */
export const firstPosition: PassPosition = { updatedAt: new Date(0), id: '00000000-0000-0000-0000-000000000000' };

/**
 * The conditions and order of a batch read after the position in parameters `at` (of `column`,
 * updated_at unless told) and `id`: the range on the column is the index's (queue_prefix, column); the id breaks ties
 * within a millisecond, so that a batch of one millisecond's rows (a statement that wrote them
 * all) still moves on. Ordering by it too, PostgreSQL sorts the rows after the position, keeping
 * only a batch's worth at a time (a top-N sort): once a pass, not worth an index of its own.
 */
export const afterPositionSql = (at: string, id: string, column = 'updated_at') =>
  `${column} >= ${at}::timestamptz AND (${column} > ${at}::timestamptz OR id > ${id}::uuid) ORDER BY ${column}, id`;

/** A position as the statement's parameters. */
export const positionValues = (position: PassPosition) => [position.updatedAt.toISOString(), position.id];
