-- The tenant's datasets of one content (`GET /v1/datasets?contentSha256=`, what `descent submit`
-- asks before it uploads a file): the sha256 digest an upload keeps from now on is in the
-- description's `columns` (jsonb), and without an index the lookup read every dataset the tenant
-- stored. Datasets stored before have no digest: they have no entry to match.
--
-- Datasets are held for writes while it is built (one entry per dataset, no data read); an
-- upload still open (its transaction lasts as long as its body takes to arrive) is waited for 5
-- seconds at most, then the migration fails and is rolled back, and starting again applies it.
SET LOCAL lock_timeout = '5s';

CREATE INDEX "datasets_tenant_id_content_sha256_idx" ON "datasets" ("tenant_id", ("columns" ->> 'contentSha256'))
  WHERE "columns" ? 'contentSha256';
