/**
 * The words the threads of a concurrent hogwild run and their coordinator share (an Int32Array
 * over a SharedArrayBuffer, read and written with Atomics only):
 *
 *   claimed    ticks handed out (a thread claims its next ticks with Atomics.compareExchange)
 *   completed  ticks whose update has been applied
 *   stop       set to 1 by the coordinator: every thread ends its loop
 *   running    threads still in their loop
 *   diverged   1 + the index of a parameter a thread found non-finite (0: none)
 *   lock       the mutex of the locking variant (benchmark peer): 0 free, 1 held, 2 held with
 *              a thread waiting
 *   failed     1 when a thread threw; its message comes by postMessage
 *   ready      threads that have built their objective
 *   go         set to 1 by the last ready thread: all start their loops together
 *
 * Each word has a 64-byte cache line of its own: the counters the threads bump (claimed,
 * completed) and the mutex they take must not share a line with `stop`, which every thread reads
 * at every tick, or each bump would take that line from the other cores.
 */
const line = 64 / Int32Array.BYTES_PER_ELEMENT;
export const control = { claimed: 0, completed: line, stop: 2 * line, running: 3 * line, diverged: 4 * line, lock: 5 * line, failed: 6 * line, ready: 7 * line, go: 8 * line, length: 9 * line } as const;

/**
 * The shared words. A SharedArrayBuffer's memory comes from the allocator aligned to 16 bytes, not
 * to a cache line: words 64 bytes apart are each on a line no other word shares, wherever it starts.
 */
export function createControl(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(control.length * Int32Array.BYTES_PER_ELEMENT));
}
