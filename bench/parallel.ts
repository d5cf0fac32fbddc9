/**
 * Parallel and distributed SGD: Hogwild! threads against one thread and against locking; then the
 * simulated algorithms' paper-shaped tables (deterministic, the same on every machine); then the
 * parameter server's exchange against raw Redis, concurrent replica jobs against the simulation, and
 * one downpour run on 2 worker processes against 1. Run with `npm run bench:parallel` (add
 * `--threads`, `--simulated`, `--server`, `--replicas` or `--processes` for one part).
 */
import { hogwildThreads } from './parallel/hogwild-threads.ts';
import { elasticAgainstDownpour, revisionAgainstAsyncAdagrad } from './parallel/simulated.ts';
import { concurrentReplicas, downpourProcesses, parameterServerExchange } from './parallel/distributed.ts';

const only = process.argv.slice(2);
const wants = (part: string) => only.length === 0 || only.includes(`--${part}`);

if (wants('threads')) await hogwildThreads();
if (wants('simulated')) {
  elasticAgainstDownpour();
  revisionAgainstAsyncAdagrad();
}
if (wants('server')) await parameterServerExchange();
if (wants('replicas')) await concurrentReplicas();
if (wants('processes')) await downpourProcesses();
