/**
 * JSON request bodies. Fastify's own parser refuses an empty body sent with
 * `Content-Type: application/json`, which many HTTP clients send on body-less POSTs (cancel);
 * an empty body here is simply no body, and routes that need one say so through validation.
 */
import type { FastifyInstance } from 'fastify';

export function installJsonBodyParser(app: FastifyInstance): void {
  // 'error' on both: a `__proto__` or `constructor.prototype` key is refused as invalid JSON.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text.length === 0) done(null, undefined);
    else parseJson(request, text, done);
  });
}
