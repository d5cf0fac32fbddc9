-- The tenants' finished metric rows (tenant_metric_rows, migration 20261206040000) kept by one
-- trigger call per statement instead of one per run. A row trigger upserted a run's shard row as
-- each run was updated, in the statement's order of runs, unrelated to the shards': two workers'
-- batch statements (runs locked in id order) ending runs in shards 5 then 3 and 3 then 5 deadlocked.
-- Deleting a tenant's runs updated each shard row once per run, in one transaction.
--
-- Now each statement sums its changes per (tenant, shard) from its transition tables and applies
-- them with one upsert in (tenant_id, shard) order: a statement writes each shard row once, and
-- all statements lock shard rows in one order. A run counts its metric_rows while its status is
-- final (not queued or running, the contract's unfinished statuses; a test compares them), so an
-- update's change is what its new rows count less what its old rows counted; the slices of
-- unfinished runs count nothing on either side and write nothing. Deleted runs whose tenant is
-- gone (the cascade of a tenant's deletion) are skipped: its sums go with it.
DROP TRIGGER "runs_count_finished_metric_rows_update" ON "runs";
DROP TRIGGER "runs_count_finished_metric_rows_insert" ON "runs";
DROP TRIGGER "runs_count_finished_metric_rows_delete" ON "runs";
DROP FUNCTION "count_finished_metric_rows"();

-- Adds the changes of runs (a run's tenant, id and change of rows, as arrays) to their tenants'
-- sums: one change per (tenant, shard), its rows locked in (tenant_id, shard) order.
CREATE FUNCTION "add_finished_metric_rows"("tenant_ids" UUID[], "run_ids" UUID[], "changes" BIGINT[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "tenant_metric_rows" AS t ("tenant_id", "shard", "rows")
  SELECT "tenant_id", get_byte(uuid_send("run_id"), 15) % 16, sum("change")
    FROM unnest("tenant_ids", "run_ids", "changes") AS c("tenant_id", "run_id", "change")
   GROUP BY 1, 2 HAVING sum("change") <> 0
   ORDER BY 1, 2
  ON CONFLICT ("tenant_id", "shard") DO UPDATE SET "rows" = t."rows" + EXCLUDED."rows";
END
$$;

-- Each trigger passes the runs that count (none for a statement of unfinished runs' slices: no call).
CREATE FUNCTION "count_finished_metric_rows_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "add_finished_metric_rows"(array_agg("tenant_id"), array_agg("id"), array_agg("metric_rows"::bigint))
     FROM "new_runs" WHERE "status" NOT IN ('queued', 'running') AND "metric_rows" <> 0 HAVING count(*) > 0;
  RETURN NULL;
END
$$;

CREATE FUNCTION "count_finished_metric_rows_updated"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "add_finished_metric_rows"(array_agg("tenant_id"), array_agg("id"), array_agg("change"))
     FROM (SELECT "tenant_id", "id", "metric_rows"::bigint AS "change"
             FROM "new_runs" WHERE "status" NOT IN ('queued', 'running') AND "metric_rows" <> 0
           UNION ALL
           SELECT "tenant_id", "id", -"metric_rows"::bigint
             FROM "old_runs" WHERE "status" NOT IN ('queued', 'running') AND "metric_rows" <> 0) AS "runs"
   HAVING count(*) > 0;
  RETURN NULL;
END
$$;

CREATE FUNCTION "count_finished_metric_rows_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "add_finished_metric_rows"(array_agg("tenant_id"), array_agg("id"), array_agg(-"metric_rows"::bigint))
     FROM "old_runs" WHERE "status" NOT IN ('queued', 'running') AND "metric_rows" <> 0
      AND EXISTS (SELECT FROM "tenants" WHERE "tenants"."id" = "old_runs"."tenant_id") HAVING count(*) > 0;
  RETURN NULL;
END
$$;

CREATE TRIGGER "runs_count_finished_metric_rows_insert" AFTER INSERT ON "runs"
  REFERENCING NEW TABLE AS "new_runs" FOR EACH STATEMENT EXECUTE FUNCTION "count_finished_metric_rows_inserted"();
CREATE TRIGGER "runs_count_finished_metric_rows_update" AFTER UPDATE ON "runs"
  REFERENCING OLD TABLE AS "old_runs" NEW TABLE AS "new_runs" FOR EACH STATEMENT EXECUTE FUNCTION "count_finished_metric_rows_updated"();
CREATE TRIGGER "runs_count_finished_metric_rows_delete" AFTER DELETE ON "runs"
  REFERENCING OLD TABLE AS "old_runs" FOR EACH STATEMENT EXECUTE FUNCTION "count_finished_metric_rows_deleted"();
