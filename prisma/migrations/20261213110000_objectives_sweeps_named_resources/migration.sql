-- The stored objective and datasets a stored objective or sweep names, in a column of their own,
-- set by the database as the row is written and indexed, as runs have had since migration
-- 20261212100000: the deletion of a dataset searched the text of every stored objective of its
-- tenant and of every sweep of it that had not ended for the dataset's id, and that of a stored
-- objective the text of those sweeps, the whole statement holding the target's lock (a tenant with
-- 20,000 stored objectives and 2,000 sweeps: 7,100 to 7,800 pages and 100 to 215 ms a dataset's
-- deletion; src/db/resource-deletion.ts). It now reads the rows that name its target, and only the
-- fields that name one count: a sweep's name, or any other text that mentions an id, keeps nothing.
--
-- Both tables are held for the migration alone while it runs (the columns' ALTER TABLE): a
-- transaction on either still open is waited for 5 seconds at most, then the migration fails and
-- is rolled back, and starting again after it ended applies it. Stored objectives are held first:
-- an attempt failing behind a transaction on sweeps has held them (every run submission reads them)
-- until it failed.
SET LOCAL lock_timeout = '5s';

ALTER TABLE "objectives" ADD COLUMN "named_resources" UUID[];
ALTER TABLE "sweeps" ADD COLUMN "named_resources" UUID[];

-- The stored objective and datasets an objective spec names (a run's `objective`, a sweep base's,
-- a stored objective's definition): the ids in `id`, `data.id` and `validation.id`, the fields the
-- API resolves (src/db/objective-resolution.ts), runs_submit checks and a creation locks
-- (src/db/resource-lock.ts), where each is a UUID in any case (no other text names a stored one);
-- NULL when it names none. One expression, which PostgreSQL writes into the expression calling it:
-- a run's trigger takes 4 µs a run with it, against 8 with the aggregate over the fields that
-- run_named_resources was, a query run on its own at each call.
CREATE FUNCTION "objective_named_resources"("objective" jsonb) RETURNS uuid[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT nullif(array_remove(ARRAY["uuid_or_null"("objective" ->> 'id'), "uuid_or_null"("objective" #>> '{data,id}'),
                                   "uuid_or_null"("objective" #>> '{validation,id}')], NULL), '{}')
$$;

-- A run's, as before (migration 20261212100000), from its objective's: the same ids.
CREATE OR REPLACE FUNCTION "run_named_resources"("spec" jsonb) RETURNS uuid[] LANGUAGE sql IMMUTABLE AS $$
  SELECT "objective_named_resources"("spec" -> 'objective')
$$;

-- A sweep's: its base objective's, and the ids among the values of its parameters over those
-- fields (`objective.id`, `objective.data.id`, `objective.validation.id`), each the reference of
-- its trials that take it (see referenceFields, src/db/reference-fields.ts); NULL when it
-- names none. In PL/pgSQL, whose plans a connection keeps (see objective_missing_reference,
-- migration 20261207140000). A spec holds no text jsonb
-- cannot (U+0000, an unpaired surrogate): the API refuses such text, as it did before specs were
-- json (migration 20261206140000); until then they were jsonb.
CREATE FUNCTION "sweep_named_resources"("spec" jsonb) RETURNS uuid[] LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  RETURN nullif(array_remove(coalesce("objective_named_resources"("spec" #> '{base,objective}'), '{}') || ARRAY(
    SELECT "uuid_or_null"(v)
      FROM unnest(ARRAY['objective.id', 'objective.data.id', 'objective.validation.id']) p,
           jsonb_array_elements_text(CASE jsonb_typeof("spec" -> 'parameters' -> p -> 'values') WHEN 'array' THEN "spec" -> 'parameters' -> p -> 'values' END) v), NULL), '{}');
END
$$;

UPDATE "objectives" SET "named_resources" = "objective_named_resources"("definition") WHERE "objective_named_resources"("definition") IS NOT NULL;
-- A sweep's are read only from a spec whose text may name something, by the condition of its trigger
-- below (see there): the others, most sweeps, are not parsed (100,000 sweeps of which 15,000 name
-- something: 1.1 to 2.1 s, against 3.4 to 5.4 reading every spec).
UPDATE "sweeps" SET "named_resources" = "sweep_named_resources"("spec"::jsonb)
 WHERE strpos("spec"::text, '"id"') > 0 OR strpos("spec"::text, '.id"') > 0 OR strpos("spec"::text, '\u') > 0;

CREATE FUNCTION "objectives_named_resources"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."named_resources" := "objective_named_resources"(NEW."definition");
  RETURN NEW;
END
$$;

CREATE FUNCTION "sweeps_named_resources"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."named_resources" := "sweep_named_resources"(NEW."spec"::jsonb);
  RETURN NEW;
END
$$;

-- As for runs: only when the definition or spec (or the column itself) is written, so a sweep's
-- coordination and ending fire nothing; and only for a row that may name something or held names,
-- so a row naming nothing is stored without calling the extraction. Each condition is written
-- with operators alone: one calling a function of SQL would have it written into the condition
-- again for each statement storing a row, 60 µs of each. A stored objective's looks for the
-- fields. A sweep's spec is json, its text as given, whose every field read parses the whole
-- text again (the six fields above: 20 µs a sweep), so its condition looks at the text instead,
-- for what each of those fields holds, a key `id` or a parameter's ending in `.id`, or for a \u
-- escape, which could spell either: a spec without any names nothing.
CREATE TRIGGER "objectives_named_resources" BEFORE INSERT OR UPDATE OF "definition", "named_resources" ON "objectives"
  FOR EACH ROW
  WHEN (NEW."named_resources" IS NOT NULL OR NEW."definition" -> 'id' IS NOT NULL
        OR NEW."definition" #> '{data,id}' IS NOT NULL OR NEW."definition" #> '{validation,id}' IS NOT NULL)
  EXECUTE FUNCTION "objectives_named_resources"();

CREATE TRIGGER "sweeps_named_resources" BEFORE INSERT OR UPDATE OF "spec", "named_resources" ON "sweeps"
  FOR EACH ROW
  WHEN (NEW."named_resources" IS NOT NULL OR strpos(NEW."spec"::text, '"id"') > 0 OR strpos(NEW."spec"::text, '.id"') > 0
        OR strpos(NEW."spec"::text, '\u') > 0)
  EXECUTE FUNCTION "sweeps_named_resources"();

CREATE INDEX "objectives_named_resources_idx" ON "objectives" USING gin ("named_resources") WHERE "named_resources" IS NOT NULL;
CREATE INDEX "sweeps_named_resources_idx" ON "sweeps" USING gin ("named_resources") WHERE "named_resources" IS NOT NULL;
