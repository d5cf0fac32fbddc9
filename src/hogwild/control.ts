/**
 * The words the threads of a concurrent hogwild run and their coordinator share (an Int32Array
 * over a SharedArrayBuffer, read and written with Atomics only):
 *
 *   claimed    ticks handed out (a thread claims its next tick with Atomics.add)
 *   completed  ticks whose update has been applied
 *   stop       set to 1 by the coordinator: every thread ends its loop
 *   running    threads still in their loop
 *   diverged   1 + the index of a parameter a thread found non-finite (0: none)
 *   lock       the mutex of the locking variant (benchmark peer): 0 free, 1 held
 *   failed     1 when a thread threw; its message comes by postMessage
 *   ready      threads that have built their objective
 *   go         set to 1 by the last ready thread: all start their loops together
 */
export const control = { claimed: 0, completed: 1, stop: 2, running: 3, diverged: 4, lock: 5, failed: 6, ready: 7, go: 8, length: 10 } as const;

export function createControl(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(control.length * Int32Array.BYTES_PER_ELEMENT));
}
