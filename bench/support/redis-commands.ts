/**
 * What a benchmark's work asks of Redis, as the server counts it (INFO commandstats): calls of
 * each command between two readings. A script's own commands are counted as well as its call
 * (EVALSHA), so the counts say what each unit of work costs Redis, whoever sent it. Like CPU time,
 * they hardly move with the machine's load.
 */
import type { Redis } from 'ioredis';

/** INFO commandstats as command → calls (`cmdstat_evalsha:calls=…,usec=…`). */
function commandCalls(info: string): Map<string, number> {
  const calls = new Map<string, number>();
  for (const line of info.split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
    if (match) calls.set(match[1], Number(match[2]));
  }
  return calls;
}

export class RedisCommandMeter {
  private start = new Map<string, number>();

  constructor(private readonly redis: Pick<Redis, 'info'>) {}

  async mark(): Promise<void> {
    this.start = commandCalls(await this.redis.info('commandstats'));
  }

  /** Per unit of work since the mark: scripts called (EVALSHA, EVAL) and commands in all, the scripts' own included. */
  async perUnit(units: number): Promise<{ readonly scripts: number; readonly commands: number }> {
    let scripts = 0;
    let commands = 0;
    for (const [name, calls] of commandCalls(await this.redis.info('commandstats'))) {
      // The readings themselves are no part of the work.
      if (name === 'info') continue;
      const made = calls - (this.start.get(name) ?? 0);
      commands += made;
      if (name === 'evalsha' || name === 'eval') scripts += made;
    }
    return { scripts: scripts / units, commands: commands / units };
  }
}
