-- A checkpoint's large numeric arrays (parameters, optimizer moments, a replica's vectors) are
-- stored as float64 bytes in `data`, `state` keeping the rest with a reference in their place
-- (src/db/checkpoint-encoding.ts): the JSON text of a 10⁷-parameter Adam state is longer than a
-- JavaScript string may be. Checkpoints written before keep their arrays in `state` and resume as
-- they are. Stored uncompressed: float64 bytes do not compress, and trying costs a full pass.
ALTER TABLE "checkpoints" ADD COLUMN "data" BYTEA;
ALTER TABLE "checkpoints" ALTER COLUMN "data" SET STORAGE EXTERNAL;
