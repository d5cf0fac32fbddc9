/** followServerEvents opening a stream again while Descent is away: for how long, and from when. */
import { describe, expect, it } from 'vitest';
import { followServerEvents } from '../../src/client/event-stream.ts';
import { ProblemError } from '../../src/client/problem-error.ts';

const body = (text: string) => new ReadableStream<Uint8Array>({
  start(controller) {
    controller.enqueue(new TextEncoder().encode(text));
    controller.close();
  },
});
const away = () => new ProblemError(503, { type: 'about:blank', title: 'Service Unavailable', status: 503, code: 'http_503' });

/** Opens: the answers in turn, a string as a stream's text, an error thrown. */
function opening(answers: (string | Error)[]) {
  let opens = 0;
  return async () => {
    const answer = answers[Math.min(opens++, answers.length - 1)]!;
    if (answer instanceof Error) throw answer;
    return body(answer);
  };
}

async function typesOf(events: AsyncIterable<{ type: string }>): Promise<string[]> {
  const types: string[] = [];
  for await (const event of events) types.push(event.type);
  return types;
}

describe('followServerEvents', () => {
  it('opens a stream again however many attempts fail within the time Descent may be away', async () => {
    const waits: number[] = [];
    const open = opening([
      'event: status\ndata: {}\n\nevent: reconnect\ndata: {"retryMs": 1}\n\n',
      ...Array.from({ length: 7 }, away),
      'event: status\ndata: {}\n\nevent: end\ndata: {}\n\n',
    ]);
    expect(await typesOf(followServerEvents(open, { onAway: ({ waitMs }) => waits.push(waitMs) }))).toEqual(['status', 'status', 'end']);
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 64]);
  });

  it('with maxAwayMs 0, gives up at the first failed opening after the stream dropped, with that failure', async () => {
    let opens = 0;
    const open = opening([
      // A connection that ends before `end`: dropped.
      'event: status\ndata: {}\n\n',
      away(),
      'event: status\ndata: {}\n\nevent: end\ndata: {}\n\n',
    ]);
    const counted = () => {
      opens += 1;
      return open();
    };
    const waits: number[] = [];
    const seen: string[] = [];
    const following = (async () => {
      for await (const event of followServerEvents(counted, { maxAwayMs: 0, onAway: ({ waitMs }) => waits.push(waitMs) })) seen.push(event.type);
    })();
    await expect(following).rejects.toMatchObject({ status: 503 });
    expect(seen).toEqual(['status']);
    expect(opens).toBe(2);
    expect(waits).toEqual([]);
  });

  it('waits out a first opening that fails as a Descent away when the caller had an answer just before', async () => {
    const open = () => opening([away(), 'event: status\ndata: {}\n\nevent: end\ndata: {}\n\n']);
    expect(await typesOf(followServerEvents(open(), { answeredBefore: true }))).toEqual(['status', 'end']);
    await expect(typesOf(followServerEvents(open()))).rejects.toThrow(ProblemError);
  });
});
