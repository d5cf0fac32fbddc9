/** Counting what a Redis connection hands its socket. */
import type { Redis } from '../../../src/queue/connection.ts';

/** Counts the writes the connection's socket hands to the system from now on (a corked socket's chunks go in one `_writev`). */
export function countWrites(redis: Redis): { readonly count: () => number } {
  const socket = redis.stream;
  let writes = 0;
  const write = socket._write.bind(socket);
  const writev = socket._writev?.bind(socket);
  socket._write = (...args) => {
    writes++;
    write(...args);
  };
  if (writev) {
    socket._writev = (...args) => {
      writes++;
      writev(...args);
    };
  }
  return { count: () => writes };
}
