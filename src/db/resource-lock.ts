/**
 * The lock of a stored objective or dataset on what names it (migration 20261208120000): an
 * advisory lock per resource, keyed by its id (any case). Its deletion takes it exclusively before
 * it looks for what names it; a submission of runs (runs_submit), the creation of a sweep and
 * that of a stored objective take it shared on each stored objective and dataset they name before
 * they check that it still exists. Whichever comes first, the other sees what it did: a deletion
 * finds the runs, sweeps and objectives stored before it, and one stored after it finds its target
 * gone. Nothing else waits for a deletion: not the tenant's other submissions, nor other tenants'.
 *
 * The statements that follow a lock must read with a snapshot of their own, taken after it:
 * READ COMMITTED (see pool.ts).
 */

/** The namespace of the resource locks (the first key of pg_advisory_xact_lock). */
export const resourceLockNamespace = 72707373;

/** Takes the lock of the stored objective or dataset whose id is `$1`, exclusively: its deletion's (the key resource_lock_key gives). */
export const resourceLockStatement = `SELECT pg_advisory_xact_lock(${resourceLockNamespace}, hashtext(lower($1::text)))`;
