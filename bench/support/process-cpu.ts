/**
 * CPU time of the processes a benchmark drives, as the kernel counts it (/proc/<pid>/stat, user
 * plus system, every thread): unlike wall-clock rates, CPU per unit of work hardly moves with the
 * machine's load, so it explains a ratio measured on a busy machine. Linux only; elsewhere every
 * reading is null.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** /proc reports CPU times in USER_HZ, 100 per second on Linux whatever the kernel's own tick. */
const ticksPerSecond = 100;

/** Seconds of CPU the process has used so far; null when it is gone or /proc is not there. */
export function processCpuSeconds(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // Fields after the command name (which may hold spaces, inside parentheses): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** CPU seconds of a set of processes, each counted from the first reading it appears in. */
export class CpuMeter {
  private readonly start = new Map<number, number>();

  constructor(private readonly pids: () => Promise<readonly number[]> | readonly number[]) {}

  /** Remembers where each process stands now. */
  async mark(): Promise<void> {
    this.start.clear();
    for (const pid of await this.pids()) {
      const seconds = processCpuSeconds(pid);
      if (seconds !== null) this.start.set(pid, seconds);
    }
  }

  /** CPU seconds used since `mark` by the processes alive now (a process born since counts from zero). */
  async elapsed(): Promise<number> {
    let total = 0;
    for (const pid of await this.pids()) total += (processCpuSeconds(pid) ?? 0) - (this.start.get(pid) ?? 0);
    return total;
  }
}

/**
 * The local TCP ports of the connections that the processes `pids` hold to `port` on this
 * machine (from /proc/net/tcp and their file descriptors): PostgreSQL's pg_stat_activity names
 * the backend serving each (`client_port`), so that a backend's CPU can be put down to the
 * process whose statements it ran.
 */
export function clientPortsTo(pids: readonly number[], port: number): number[] {
  const inodes = new Set<string>();
  for (const pid of pids) {
    let descriptors: string[];
    try {
      descriptors = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const descriptor of descriptors) {
      try {
        const socket = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${descriptor}`));
        if (socket) inodes.add(socket[1]);
      } catch {
        // Closed meanwhile.
      }
    }
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let lines: string[];
    try {
      lines = readFileSync(table, 'utf8').split('\n').slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || !inodes.has(fields[9])) continue;
      const localPort = parseInt(fields[1].split(':')[1], 16);
      const remotePort = parseInt(fields[2].split(':')[1], 16);
      if (remotePort === port) ports.push(localPort);
    }
  }
  return ports;
}
