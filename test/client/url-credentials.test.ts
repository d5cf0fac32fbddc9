/**
 * A client given Descent's address with a user name or password is refused as it is created, in
 * words that do not repeat the password: fetch would refuse each of its requests later, with a
 * TypeError quoting the whole address. The CLI refuses such a --url by the same rule.
 */
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/index.ts';

const refusal = 'url must not hold a user name or password (user:password@host): Descent takes an API key, pass it as apiKey';

describe('createClient with credentials in the url', () => {
  it.each(['http://user:secret@127.0.0.1:3000/', 'https://user@descent.example', 'http://:secret@127.0.0.1:3000'])('refuses %s at once, without the password', (url) => {
    let refused: unknown;
    try {
      createClient({ url, apiKey: 'k', fetch: () => Promise.reject(new Error('no request is sent')) });
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(TypeError);
    expect((refused as TypeError).message).toBe(refusal);
    expect((refused as TypeError).message).not.toContain('secret');
  });

  it('takes an address without them', () => {
    expect(() => createClient({ url: 'http://127.0.0.1:3000/', apiKey: 'k' })).not.toThrow();
  });
});
