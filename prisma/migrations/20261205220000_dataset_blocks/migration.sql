-- A dataset's rows move out of one JSON value (base64 arrays, written and read whole) into
-- blocks of rows, which an upload writes as it reads them; each dataset counts the bytes its
-- blocks store, for the tenant's quota TENANT_MAX_DATASET_BYTES.
CREATE TABLE "dataset_blocks" (
    "dataset_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "rows" INTEGER NOT NULL,
    "values" BYTEA NOT NULL,
    "row_starts" BYTEA,
    "indices" BYTEA,
    "targets" BYTEA NOT NULL,
    "difficulty" BYTEA,

    CONSTRAINT "dataset_blocks_pkey" PRIMARY KEY ("dataset_id", "seq")
);

ALTER TABLE "dataset_blocks" ADD CONSTRAINT "dataset_blocks_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Each stored dataset becomes one block (a sparse one's row starts already count from its first entry).
INSERT INTO "dataset_blocks" ("dataset_id", "seq", "rows", "values", "row_starts", "indices", "targets", "difficulty")
SELECT "id", 0, "row_count",
       decode("data"->>'values', 'base64'),
       decode("data"->>'rowStarts', 'base64'),
       decode("data"->>'indices', 'base64'),
       decode("data"->>'targets', 'base64'),
       decode("data"->>'difficulty', 'base64')
  FROM "datasets";

ALTER TABLE "datasets" ADD COLUMN "byte_size" BIGINT NOT NULL DEFAULT 0;
UPDATE "datasets" SET "byte_size" = (
  SELECT octet_length(b."values") + coalesce(octet_length(b."row_starts"), 0) + coalesce(octet_length(b."indices"), 0)
         + octet_length(b."targets") + coalesce(octet_length(b."difficulty"), 0)
    FROM "dataset_blocks" b WHERE b."dataset_id" = "datasets"."id");

ALTER TABLE "datasets" DROP COLUMN "data";
