/**
 * What still names a stored objective or dataset and keeps it from being deleted: the database
 * counts and lists them, and the API answers them as `usedBy` of a 409 `objective_in_use` or
 * `dataset_in_use`.
 */
import { z } from 'zod';

/** How many of each kind of user a refused deletion names, newest first. */
export const listedUsers = 20;

export const usedBySchema = z
  .object({
    runs: z.number().int().nonnegative().describe('Runs that name it, finished or not: delete them first (an unfinished one once cancelled).'),
    unfinishedRuns: z.number().int().nonnegative().describe('Of those runs, the queued or running ones: cancel them before deleting them.'),
    sweeps: z.number().int().nonnegative().describe('Sweeps that have not ended and name it: cancel them, or let them end.'),
    objectives: z.number().int().nonnegative().describe('For a dataset: stored objectives whose definition names it; delete them first.'),
    runIds: z.array(z.uuid()).describe(`The newest ${listedUsers} of those runs.`),
    sweepIds: z.array(z.uuid()).describe(`The newest ${listedUsers} of those sweeps.`),
    objectiveIds: z.array(z.uuid()).describe(`The newest ${listedUsers} of those stored objectives.`),
  })
  .meta({ id: 'UsedBy', description: 'What still names a stored objective or dataset and keeps it from being deleted: how many of each, and the newest of them.' });

export type UsedBy = z.infer<typeof usedBySchema>;
