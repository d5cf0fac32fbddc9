-- The triggers keeping the tenants' finished metric rows (migration 20261206043000) upsert the
-- sums themselves, in one statement, instead of gathering the runs' changes into arrays that a
-- second PL/pgSQL function unnested again for its upsert: two statements and a function call per
-- statement ending runs (each of the worker's slice statements of small runs), where one does.
-- The sums, the shard rows written once per statement and their (tenant_id, shard) order stay.
CREATE OR REPLACE FUNCTION "count_finished_metric_rows_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "tenant_metric_rows" AS t ("tenant_id", "shard", "rows")
  SELECT "tenant_id", get_byte(uuid_send("id"), 15) % 16, sum("metric_rows"::bigint)
    FROM "new_runs" WHERE "status" NOT IN ('queued', 'running') AND "metric_rows" <> 0
   GROUP BY 1, 2 HAVING sum("metric_rows"::bigint) <> 0
   ORDER BY 1, 2
  ON CONFLICT ("tenant_id", "shard") DO UPDATE SET "rows" = t."rows" + EXCLUDED."rows";
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION "count_finished_metric_rows_updated"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "tenant_metric_rows" AS t ("tenant_id", "shard", "rows")
  SELECT "tenant_id", get_byte(uuid_send("id"), 15) % 16, sum("change")
    FROM (SELECT "tenant_id", "id", "metric_rows"::bigint AS "change"
            FROM "new_runs" WHERE "status" NOT IN ('queued', 'running') AND "metric_rows" <> 0
          UNION ALL
          SELECT "tenant_id", "id", -"metric_rows"::bigint
            FROM "old_runs" WHERE "status" NOT IN ('queued', 'running') AND "metric_rows" <> 0) AS c
   GROUP BY 1, 2 HAVING sum("change") <> 0
   ORDER BY 1, 2
  ON CONFLICT ("tenant_id", "shard") DO UPDATE SET "rows" = t."rows" + EXCLUDED."rows";
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION "count_finished_metric_rows_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "tenant_metric_rows" AS t ("tenant_id", "shard", "rows")
  SELECT "tenant_id", get_byte(uuid_send("id"), 15) % 16, sum(-"metric_rows"::bigint)
    FROM "old_runs" WHERE "status" NOT IN ('queued', 'running') AND "metric_rows" <> 0
     AND EXISTS (SELECT FROM "tenants" WHERE "tenants"."id" = "old_runs"."tenant_id")
   GROUP BY 1, 2 HAVING sum(-"metric_rows"::bigint) <> 0
   ORDER BY 1, 2
  ON CONFLICT ("tenant_id", "shard") DO UPDATE SET "rows" = t."rows" + EXCLUDED."rows";
  RETURN NULL;
END
$$;

DROP FUNCTION "add_finished_metric_rows"(UUID[], UUID[], BIGINT[]);
