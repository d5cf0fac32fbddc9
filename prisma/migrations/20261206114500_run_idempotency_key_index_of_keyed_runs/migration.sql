-- The runs' unique index on (tenant_id, idempotency_key) holds the runs submitted with a key
-- only. Every statement reading it asks for one key (idempotency_key equal to a value, which
-- implies a key), and a NULL key never clashed with another; but each run submitted without one,
-- nearly all of them, took an entry at its insert and at every update of its row (a new row
-- version: its status and updated_at are indexed), one index insertion of six per row version.
-- The insert that claims a key names the index's condition (ON CONFLICT ... WHERE), so that
-- PostgreSQL infers it.
DROP INDEX "runs_tenant_id_idempotency_key_key";
CREATE UNIQUE INDEX "runs_tenant_id_idempotency_key_key" ON "runs" ("tenant_id", "idempotency_key") WHERE "idempotency_key" IS NOT NULL;
