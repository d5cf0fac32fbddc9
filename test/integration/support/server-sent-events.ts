/** Reading a server-sent-event stream in tests, and waiting for the API to subscribe to a channel. */
import type { Redis } from '../../../src/queue/connection.ts';
import { eventually } from '../../support/eventually.ts';

export interface ServerSentEvent {
  event: string;
  data: Record<string, unknown>;
  id?: string;
}

/** Reads events from a streaming response until `stop` says so or the stream ends. */
export async function readEvents(response: Response, stop: (events: ServerSentEvent[]) => boolean): Promise<ServerSentEvent[]> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: ServerSentEvent[] = [];
  let buffer = '';
  while (!stop(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = Object.fromEntries(block.split('\n').filter((line) => !line.startsWith(':') && line.includes(': '))
        .map((line) => [line.slice(0, line.indexOf(': ')), line.slice(line.indexOf(': ') + 2)]));
      if (fields.event) events.push({ event: fields.event, data: JSON.parse(fields.data ?? '{}'), id: fields.id });
    }
  }
  return events;
}

/** How many connections are subscribed to a Redis channel. */
export async function subscriberCount(redis: Redis, channel: string): Promise<number> {
  const [, count] = (await redis.pubsub('NUMSUB', channel)) as [string, number];
  return Number(count);
}

/** Polls `condition` until it holds (at most ~5 s); the assertions after it say what was expected. */
export async function until(condition: () => Promise<boolean>): Promise<void> {
  await eventually(condition, (held) => held, { timeoutMs: 5_000, intervalMs: 25 });
}
