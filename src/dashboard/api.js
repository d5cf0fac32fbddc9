/**
 * The dashboard's client of the /v1 API. The key lives in localStorage and leaves the page only
 * as the Authorization header. GET responses are kept with their ETag and revalidated with
 * If-None-Match, so polling an unchanged resource costs a 304 and no parsing.
 */
const keyStorageName = 'descent.apiKey';

export class ApiError extends Error {
  /** @param {number} status @param {any} problem RFC 9457 problem details, when the body was one. */
  constructor(status, problem) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem ?? null;
  }
}

export function storedKey() {
  return localStorage.getItem(keyStorageName) ?? '';
}

export function storeKey(key) {
  if (key) localStorage.setItem(keyStorageName, key);
  else localStorage.removeItem(keyStorageName);
}

/** @type {Map<string, { etag: string, body: any }>} */
const revalidationCache = new Map();

function authorization() {
  const key = storedKey();
  return key ? { authorization: `Bearer ${key}` } : {};
}

async function problemOf(response) {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return { title: text || response.statusText };
  }
}

/** fetch, with a network failure (no answer at all) said as such rather than as the browser's "Failed to fetch". */
async function send(path, init) {
  try {
    return await fetch(path, init);
  } catch (error) {
    if (init.signal?.aborted) throw error;
    throw new ApiError(0, { title: `The API did not answer (${error.message}); is it running?` });
  }
}

/** GET a /v1 path as JSON; `changed` is false when the server answered 304 for the cached copy. */
export async function getJson(path, { signal } = {}) {
  const cached = revalidationCache.get(path);
  const response = await send(path, {
    headers: { accept: 'application/json', ...authorization(), ...(cached ? { 'if-none-match': cached.etag } : {}) },
    cache: 'no-store',
    signal,
  });
  if (response.status === 304 && cached) return { body: cached.body, changed: false };
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  const body = await response.json();
  const etag = response.headers.get('etag');
  if (etag) revalidationCache.set(path, { etag, body });
  return { body, changed: true };
}

/**
 * GET a /v1 path as a file, e.g. a metrics export as CSV: resolves once the headers are in, to
 * the response whose body is still to be read (as a stream or a Blob); rejects with ApiError.
 */
export async function getFile(path, accept) {
  const response = await send(path, { headers: { accept, ...authorization() }, cache: 'no-store' });
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  return response;
}

/** POST JSON to a /v1 path; resolves to the parsed body, rejects with ApiError. */
export async function postJson(path, payload) {
  const response = await send(path, {
    method: 'POST',
    headers: { accept: 'application/json', ...authorization(), ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
    body: payload === undefined ? undefined : JSON.stringify(payload),
    cache: 'no-store',
  });
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  return response.json();
}

/**
 * Follows a server-sent event stream. EventSource cannot send an Authorization header, so this
 * reads the stream with fetch and splits it into events itself (blank-line separated blocks of
 * `event:` and `data:` lines). Returns a function that stops following.
 */
export function followEvents(path, onEvent, onClose) {
  const controller = new AbortController();
  (async () => {
    const response = await fetch(path, { headers: { accept: 'text/event-stream', ...authorization() }, signal: controller.signal, cache: 'no-store' });
    if (!response.ok || !response.body) throw new ApiError(response.status, await problemOf(response));
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let boundary;
      while ((boundary = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        let type = 'message';
        const data = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) type = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
        }
        if (data.length) onEvent(type, JSON.parse(data.join('\n')));
      }
    }
  })().then(() => onClose?.(null), (error) => onClose?.(controller.signal.aborted ? null : error));
  return () => controller.abort();
}
