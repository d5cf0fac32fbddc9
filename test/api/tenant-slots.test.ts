/** A tenant's slot taken for a request before its body is read: held until both its answer and its work have ended. */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { TenantSlots } from '../../src/api/tenant-slots.ts';

const kind = { setting: 'TENANT_MAX_CONCURRENT_UPLOADS', counts: 'dataset uploads' };

describe('TenantSlots.forRequest', () => {
  it('is a 429 too_many_concurrent with Retry-After beyond the limit, for that tenant only', () => {
    const slots = new TenantSlots(1, kind);
    slots.forRequest('a', new EventEmitter());
    expect(() => slots.forRequest('a', new EventEmitter())).toThrow(expect.objectContaining({
      statusCode: 429, code: 'too_many_concurrent', headers: { 'retry-after': '5' }, quota: { name: kind.setting, limit: 1, used: 1, requested: 1 },
    }));
    expect(() => slots.forRequest('b', new EventEmitter())).not.toThrow();
  });

  it('is given back once the answer closed and the work ended, whichever comes last', async () => {
    const slots = new TenantSlots(1, kind);
    const answer = new EventEmitter();
    let finish!: () => void;
    const working = slots.forRequest('a', answer).holding(() => new Promise<void>((resolve) => { finish = resolve; }));
    // The client left while its upload was stored: the slot is held until the storing ends.
    answer.emit('close');
    expect(() => slots.forRequest('a', new EventEmitter())).toThrow(expect.objectContaining({ statusCode: 429 }));
    finish();
    await working;
    const next = new EventEmitter();
    await slots.forRequest('a', next).holding(async () => undefined);
    // Its work ended, its answer not yet sent: still held.
    expect(() => slots.forRequest('a', new EventEmitter())).toThrow(expect.objectContaining({ statusCode: 429 }));
    next.emit('close');
    expect(() => slots.forRequest('a', new EventEmitter())).not.toThrow();
  });

  it('does not do the work of a client that left before it began, and gives the slot back', async () => {
    const slots = new TenantSlots(1, kind);
    const answer = new EventEmitter();
    const slot = slots.forRequest('a', answer);
    answer.emit('close');
    let done = false;
    await expect(slot.holding(async () => { done = true; })).rejects.toMatchObject({ statusCode: 400, title: 'The client went away' });
    expect(done).toBe(false);
    expect(() => slots.forRequest('a', new EventEmitter())).not.toThrow();
  });

  it('gives the slot back at once, doing no work, when the client had left before the slot was taken', async () => {
    const slots = new TenantSlots(1, kind);
    // Its 'close' was emitted while the hooks before ran (the key lookup): none comes now.
    const closedAnswer = Object.assign(new EventEmitter(), { destroyed: true });
    const slot = slots.forRequest('a', closedAnswer);
    expect(() => slots.forRequest('a', new EventEmitter())).not.toThrow();
    await expect(slot.holding(async () => 'done')).rejects.toMatchObject({ statusCode: 400, title: 'The client went away' });
  });

  it('gives the slot back at once when the connection under the answer was destroyed', () => {
    const slots = new TenantSlots(1, kind);
    slots.forRequest('a', Object.assign(new EventEmitter(), { socket: { destroyed: true } }));
    expect(() => slots.forRequest('a', new EventEmitter())).not.toThrow();
  });
});
