/**
 * JSON request bodies. Fastify's own parser refuses an empty body sent with
 * `Content-Type: application/json`, which many HTTP clients send on body-less POSTs (cancel);
 * an empty body here is simply no body, and routes that need one say so through validation.
 * A body's strings that PostgreSQL cannot store (src/core/unstorable-text.ts) are found here,
 * where the text shows whether there can be any, and validation reports them with the body's
 * other bad fields.
 */
import type { FastifyInstance } from 'fastify';
import { mayHoldUnstorableText, unstorableTexts, type UnstorableText } from '../../core/unstorable-text.ts';

const unstorableInBodies = new WeakMap<object, UnstorableText[]>();

/** The strings of a parsed body that cannot be stored; empty for nearly every body. */
export function unstorableTextsOfBody(body: unknown): readonly UnstorableText[] {
  return (typeof body === 'object' && body !== null ? unstorableInBodies.get(body) : undefined) ?? [];
}

export function installJsonBodyParser(app: FastifyInstance): void {
  // 'error' on both: a `__proto__` or `constructor.prototype` key is refused as invalid JSON.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text.length === 0) {
      done(null, undefined);
      return;
    }
    parseJson(request, text, (error, parsed) => {
      if (error === null && typeof parsed === 'object' && parsed !== null && mayHoldUnstorableText(text)) {
        const unstorable = unstorableTexts(parsed);
        if (unstorable.length > 0) unstorableInBodies.set(parsed, unstorable);
      }
      done(error, parsed);
    });
  });
}
