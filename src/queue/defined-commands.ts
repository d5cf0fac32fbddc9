/**
 * Lua scripts as a connection's own commands: ioredis sends them by EVALSHA (Redis neither
 * receives nor hashes their text again on every call) and loads them again after a Redis
 * restart. Each set of scripts is defined once per connection, however many callers ask.
 */
import type { Redis } from './connection.ts';

/** Commands by name: the script, and how many of its arguments are keys (absent: the call says). */
export type ScriptDefinitions = Readonly<Record<string, { readonly lua: string; readonly numberOfKeys?: number }>>;

const defined = new WeakMap<Redis, WeakSet<ScriptDefinitions>>();

/** The connection with `scripts` as its commands, typed as `Commands`. */
export function withCommands<Commands>(redis: Redis, scripts: ScriptDefinitions): Redis & Commands {
  let sets = defined.get(redis);
  if (!sets) defined.set(redis, (sets = new WeakSet()));
  if (!sets.has(scripts)) {
    for (const [name, definition] of Object.entries(scripts)) redis.defineCommand(name, definition);
    sets.add(scripts);
  }
  return redis as Redis & Commands;
}
