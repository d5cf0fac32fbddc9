-- The metric rows a tenant's finished runs store, kept per tenant as they change, so that the
-- metric-rows quota (src/db/metric-rows-use.ts) adds these sums to its tenant's unfinished runs
-- instead of reading every run the tenant ever had: with 10⁶ finished runs that read took
-- 0.6-0.9 s per statement (0.14-0.16 s with sequential scans allowed), for every submission and
-- every trial start of that tenant. A tenant's rows are split over 16 shards by run id, so runs
-- of one tenant ending at once rarely wait for each other's row.
--
-- A row trigger keeps them: a run that becomes final adds its stored rows, retention on a
-- finished run subtracts what it deleted, deleting a finished run subtracts its rows. Its WHEN
-- clause leaves the slices of unfinished runs without a call.
CREATE TABLE "tenant_metric_rows" (
    "tenant_id" UUID NOT NULL,
    "shard" SMALLINT NOT NULL,
    "rows" BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT "tenant_metric_rows_pkey" PRIMARY KEY ("tenant_id", "shard")
);

ALTER TABLE "tenant_metric_rows" ADD CONSTRAINT "tenant_metric_rows_tenant_id_fkey"
  FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE FUNCTION "count_finished_metric_rows"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  delta BIGINT;
  run_id UUID;
  tenant UUID;
BEGIN
  IF TG_OP = 'DELETE' THEN
    -- Only a finished run's (see the WHEN clause); a tenant being deleted has no rows left to update.
    UPDATE "tenant_metric_rows" SET "rows" = "rows" - OLD."metric_rows"
     WHERE "tenant_id" = OLD."tenant_id" AND "shard" = get_byte(uuid_send(OLD."id"), 15) % 16;
    RETURN NULL;
  END IF;
  delta := CASE WHEN NEW."status" IN ('queued', 'running') THEN 0 ELSE NEW."metric_rows" END;
  IF TG_OP = 'UPDATE' THEN
    delta := delta - CASE WHEN OLD."status" IN ('queued', 'running') THEN 0 ELSE OLD."metric_rows" END;
  END IF;
  IF delta <> 0 THEN
    INSERT INTO "tenant_metric_rows" AS t ("tenant_id", "shard", "rows")
    VALUES (NEW."tenant_id", get_byte(uuid_send(NEW."id"), 15) % 16, delta)
    ON CONFLICT ("tenant_id", "shard") DO UPDATE SET "rows" = t."rows" + EXCLUDED."rows";
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "runs_count_finished_metric_rows_update" AFTER UPDATE OF "status", "metric_rows" ON "runs" FOR EACH ROW
  WHEN ((OLD."status" NOT IN ('queued', 'running') OR NEW."status" NOT IN ('queued', 'running'))
    AND (OLD."status" IS DISTINCT FROM NEW."status" OR OLD."metric_rows" IS DISTINCT FROM NEW."metric_rows"))
  EXECUTE FUNCTION "count_finished_metric_rows"();

CREATE TRIGGER "runs_count_finished_metric_rows_insert" AFTER INSERT ON "runs" FOR EACH ROW
  WHEN (NEW."status" NOT IN ('queued', 'running') AND NEW."metric_rows" <> 0)
  EXECUTE FUNCTION "count_finished_metric_rows"();

CREATE TRIGGER "runs_count_finished_metric_rows_delete" AFTER DELETE ON "runs" FOR EACH ROW
  WHEN (OLD."status" NOT IN ('queued', 'running') AND OLD."metric_rows" <> 0)
  EXECUTE FUNCTION "count_finished_metric_rows"();

-- What the finished runs store now (the triggers, created first, hold off every change to runs until this commits).
INSERT INTO "tenant_metric_rows" ("tenant_id", "shard", "rows")
SELECT "tenant_id", get_byte(uuid_send("id"), 15) % 16, sum("metric_rows")
  FROM "runs" WHERE "status" NOT IN ('queued', 'running') AND "metric_rows" <> 0
 GROUP BY 1, 2;
