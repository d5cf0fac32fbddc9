/**
 * A client given Descent's address with a user name or password, or an address that is no http(s)
 * URL, is refused as it is created, in words that do not repeat the password: fetch would refuse
 * each of its requests later, with a TypeError quoting the whole address. The CLI refuses such a
 * --url by the same rule.
 */
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/index.ts';
import { withoutUserInfo } from '../../src/client/url-credentials.ts';

/** The TypeError createClient throws for `url`, sending nothing. */
function refusalOf(url: string): TypeError {
  let refused: unknown;
  try {
    createClient({ url, apiKey: 'k', fetch: () => Promise.reject(new Error('no request is sent')) });
  } catch (error) {
    refused = error;
  }
  expect(refused).toBeInstanceOf(TypeError);
  return refused as TypeError;
}

describe('createClient with credentials in the url', () => {
  it.each(['http://user:secret@127.0.0.1:3000/', 'https://user@descent.example', 'http://:secret@127.0.0.1:3000'])('refuses %s at once, without the password', (url) => {
    expect(refusalOf(url).message).toBe('url must not hold a user name or password (user:password@host): Descent takes an API key, pass it as apiKey');
  });

  // fetch's own TypeError, at the first request, quoted the address whole.
  it.each([
    ['http://user:secret@host:99999', 'http://***@host:99999'],
    ['http://user:secret@exa mple.com', 'http://***@exa mple.com'],
    ['http://user:secret@', 'http://***@'],
    ['http://user:secret@[::1', 'http://***@[::1'],
    ['http://user:se/cret@host:99999/', 'http://***@host:99999/'],
    ['user:secret@127.0.0.1:3000', '***@127.0.0.1:3000'],
    ['127.0.0.1:3000', '127.0.0.1:3000'],
    ['ftp://127.0.0.1/', 'ftp://127.0.0.1/'],
  ])('refuses %s, no http(s) address, at once, quoting it without its user info', (url, quoted) => {
    expect(refusalOf(url).message).toBe(`url must be an http(s) address, not '${quoted}'`);
  });

  it('takes an address without them', () => {
    expect(() => createClient({ url: 'http://127.0.0.1:3000/', apiKey: 'k' })).not.toThrow();
  });
});

describe('withoutUserInfo', () => {
  it.each([
    ['http://user:secret@host:3000/', 'http://***@host:3000/'],
    ['http://user:p@ss@host:99999', 'http://***@host:99999'],
    ['http:user:secret@host:99999', '***@host:99999'],
    // An address that parses with no user info is quoted whole, an @ of its path too.
    ['http://127.0.0.1:6000/team/@me', 'http://127.0.0.1:6000/team/@me'],
    ['http://127.0.0.1:6000', 'http://127.0.0.1:6000'],
  ])('quotes %s as %s', (url, quoted) => {
    expect(withoutUserInfo(url)).toBe(quoted);
  });
});
