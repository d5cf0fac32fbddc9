/**
 * Descent's address holds no user name or password (`http://user:secret@host/`): fetch refuses
 * every request to such a URL (the Fetch standard), with a TypeError that quotes it, password
 * and all; and Descent takes no password: its API key goes in a header. The typed client refuses
 * one as it is created, and the CLI its --url, with this one rule, in words that never repeat
 * the password.
 */

/** How the caller names the address and the API key: `--url`, `pass it with --key`. */
interface Settings {
  readonly url: string;
  readonly apiKey: string;
}

/** Why `url` cannot be Descent's address, when it holds a user name or password; undefined else. */
export function urlCredentialsRefusal(url: string, settings: Settings): string | undefined {
  if (!URL.canParse(url)) return undefined;
  const { username, password } = new URL(url);
  if (username === '' && password === '') return undefined;
  return `${settings.url} must not hold a user name or password (user:password@host): Descent takes an API key, ${settings.apiKey}`;
}
