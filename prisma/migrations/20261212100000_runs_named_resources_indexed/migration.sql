-- The runs that name a stored objective or dataset, found through an index of each field that
-- names one (src/db/resource-deletion.ts): the deletion of either read every run the tenant ever
-- had to find those that name it (100,000 runs: 3,000 pages, 110 ms, the whole statement holding
-- the target's lock). Partial, as only the runs that name one have the field: a run of an
-- expression or benchmark adds nothing to them. Lower case, as a run may name an id in any case.
CREATE INDEX "runs_objective_id_idx" ON "runs" (lower("spec" #>> '{objective,id}'))
  WHERE "spec" #>> '{objective,id}' IS NOT NULL;
CREATE INDEX "runs_objective_data_id_idx" ON "runs" (lower("spec" #>> '{objective,data,id}'))
  WHERE "spec" #>> '{objective,data,id}' IS NOT NULL;
CREATE INDEX "runs_objective_validation_id_idx" ON "runs" (lower("spec" #>> '{objective,validation,id}'))
  WHERE "spec" #>> '{objective,validation,id}' IS NOT NULL;
