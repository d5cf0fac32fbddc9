/**
 * Descent's address is an http(s) URL with no user name or password (`http://user:secret@host/`):
 * fetch refuses every request to such a URL (the Fetch standard), with a TypeError that quotes it,
 * password and all; and Descent takes no password: its API key goes in a header. The typed client
 * refuses a bad address as it is created, and the CLI its --url, with this one rule; and whatever
 * quotes an address in an error quotes it through `withoutUserInfo`, so that no message repeats a
 * password, not even of an address that cannot be parsed (`http://user:secret@host:99999`).
 */

/** How the caller names the address and the API key: `--url`, `pass it with --key`. */
interface Settings {
  readonly url: string;
  readonly apiKey: string;
}

/**
 * `url` with what may be its user info masked: what lies between the scheme's `//` (the start,
 * without one) and the last `@`. Where the host begins in an address that cannot be parsed, no
 * one knows (a password may hold `/`, `?` or `#`), hence the last `@` of all; an address that
 * parses with a host and no user info is quoted whole, an `@` of its path too.
 */
export function withoutUserInfo(url: string): string {
  if (URL.canParse(url)) {
    const { host, username, password } = new URL(url);
    if (host !== '' && username === '' && password === '') return url;
  }
  const at = url.lastIndexOf('@');
  if (at === -1) return url;
  const start = /^[a-z][a-z\d+.-]*:[/\\]+/i.exec(url)?.[0].length ?? 0;
  return at < start ? url : `${url.slice(0, start)}***${url.slice(at)}`;
}

/**
 * Why `url` cannot be Descent's address: it holds a user name or password, or it is no http(s)
 * URL (quoted without its user info); undefined when it can be. A relative address is resolved
 * against the page's, where there is one (in a browser, as fetch resolves it).
 */
export function descentUrlRefusal(url: string, settings: Settings): string | undefined {
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  const parsed = URL.canParse(url, base) ? new URL(url, base) : undefined;
  if (parsed !== undefined && (parsed.username !== '' || parsed.password !== '')) {
    return `${settings.url} must not hold a user name or password (user:password@host): Descent takes an API key, ${settings.apiKey}`;
  }
  if (parsed === undefined || !/^https?:$/.test(parsed.protocol)) return `${settings.url} must be an http(s) address, not '${withoutUserInfo(url)}'`;
  return undefined;
}
