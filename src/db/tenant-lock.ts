/**
 * A tenant's lock on what names its stored objectives and datasets: the advisory lock, per
 * tenant, that a submission of runs holds from its checks to its commit (runs_submit, migrations
 * 20261207120000 and 20261207140000). A deletion of a stored objective or dataset and the
 * creation of a sweep take it too, first in their transaction, so that each of them and each
 * submission sees what the others that held it before committed: a deletion finds the runs and
 * sweeps stored before it, and a run or sweep stored after it finds its objective gone.
 *
 * `$1` is the tenant's id. The statements that follow it must read with a snapshot of their own,
 * taken after it: READ COMMITTED (see pool.ts).
 */
export const tenantLockStatement = 'SELECT pg_advisory_xact_lock(72707372, hashtext($1::uuid::text))';
