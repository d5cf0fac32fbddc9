/** `result.parallel` as clients see it (the core's ParallelReport, in src/core/parallel/report.ts). */
import { z } from 'zod';
import { executions, parallelAlgorithmNames } from '../core/parallel/index.ts';

const replicaReportSchema = z.object({
  replica: z.number().int().describe('The replica, from 0.'),
  steps: z.number().int().describe('Local steps it made (gradients computed and applied).'),
  exchanges: z
    .number()
    .int()
    .describe('Its exchanges with the center or server: pulls and pushes (downpour), elastic exchanges (easgd), applied updates (hogwild, adaptive-revision).'),
  centerDistance: z.number().nullable().describe('‖x_i − center‖ at the end; null where replicas keep no vector of their own (hogwild, adaptive-revision).'),
  worker: z.string().nullable().optional().describe('The worker process (host:pid) that ran the replica last (concurrent downpour, easgd, adaptive-revision).'),
});

export const parallelReportSchema = z
  .object({
    algorithm: z.enum(parallelAlgorithmNames).describe('The parallel algorithm of the spec (parallel.algorithm).'),
    execution: z.enum(executions).describe('How the replicas ran (parallel.execution).'),
    replicas: z.number().int().describe('How many replicas ran.'),
    perReplica: z.array(replicaReportSchema).readonly().describe('Each replica\'s figures, in replica order.'),
    communicationRounds: z.number().int().describe("Every replica's exchanges with the center or server."),
    staleness: z
      .object({
        updates: z.number().int().describe('Updates measured (concurrent hogwild: one in eight).'),
        mean: z.number().describe('Mean staleness, in updates.'),
        p50: z.number().describe('Median staleness.'),
        p99: z.number().describe('99th percentile of staleness.'),
        max: z.number().describe('Largest staleness.'),
      })
      .nullable()
      .describe(
        "Updates other replicas applied to the center or server between a replica's read of it and its write: "
          + 'pushes between a pull and the next push (downpour), exchanges between two of a replica\'s exchanges (easgd), '
          + 'gradients applied between a gradient\'s read and its application (adaptive-revision), '
          + 'the other threads\' updates between a read of θ and the write (hogwild). Null when none was measured.',
      ),
    centerDistance: z
      .object({ mean: z.number().describe('Mean over the replicas.'), max: z.number().describe('Largest over the replicas.') })
      .nullable()
      .describe('‖x_i − center‖ at the end over the replicas; null where replicas keep no vector of their own.'),
    stepsPerSecond: z.number().nullable().describe("Every replica's local steps per second of the run's time."),
  })
  .meta({ id: 'ParallelReport' })
  .describe('What the replicas of a parallel run did: steps, exchanges, staleness, distance to the center, throughput.');
