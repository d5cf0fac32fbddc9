/**
 * JSON request bodies. Fastify's own parser refuses an empty body sent with
 * `Content-Type: application/json`, which many HTTP clients send on body-less POSTs (cancel);
 * an empty body here is simply no body, and routes that need one say so through validation.
 * A body's strings that PostgreSQL cannot store (src/core/unstorable-text.ts) are found here,
 * where the text shows whether there can be any, and validation reports them with the body's
 * other bad fields. JSON is UTF-8 (RFC 8259), and the body is read as such: a body whose
 * Content-Type names another charset (`charset=utf-16`) is refused with 415, not read as UTF-8.
 */
import type { FastifyInstance } from 'fastify';
import parseJson from 'secure-json-parse';
import { errorMessage } from '../../core/error-message.ts';
import { mayHoldUnstorableText, unstorableTexts, type UnstorableText } from '../../core/unstorable-text.ts';
import { AppError } from '../errors/app-error.ts';

const unstorableInBodies = new WeakMap<object, UnstorableText[]>();

/** The strings of a parsed body that cannot be stored; empty for nearly every body. */
export function unstorableTextsOfBody(body: unknown): readonly UnstorableText[] {
  return (typeof body === 'object' && body !== null ? unstorableInBodies.get(body) : undefined) ?? [];
}

/** A body that does not parse: 400 invalid_json, saying where the text went wrong or which key is refused. */
export function invalidJson(error: unknown): AppError {
  const message = errorMessage(error);
  const detail = /forbidden (prototype|constructor) property/.test(message)
    ? 'The body\'s JSON has a key that is refused: `__proto__`, or `constructor` holding `prototype`.'
    : `The body is not valid JSON: ${message.replace(/\.$/, '')}.`;
  return new AppError(400, 'invalid_json', 'The body is not valid JSON', { detail });
}

/** The charset a Content-Type names, in lower case; null when it names none. */
function charsetOf(contentType: string | undefined): string | null {
  const found = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType ?? '');
  return found ? (found[1] ?? found[2]).toLowerCase() : null;
}

/** A JSON body in a charset other than UTF-8: 415, naming it. */
function otherCharset(charset: string): AppError {
  return new AppError(415, 'unsupported_media_type', 'Unsupported media type', {
    detail: `The body is JSON in charset ${JSON.stringify(charset)}; JSON bodies are UTF-8 (RFC 8259): send it as UTF-8, with charset=utf-8 or no charset.`,
  });
}

export function installJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text.length === 0) {
      done(null, undefined);
      return;
    }
    const charset = charsetOf(request.headers['content-type']);
    if (charset !== null && charset !== 'utf-8' && charset !== 'utf8') {
      done(otherCharset(charset), undefined);
      return;
    }
    let parsed: unknown;
    try {
      // As fastify's own parser, with 'error' on both: a `__proto__` or `constructor.prototype` key is refused.
      parsed = parseJson(text, null, { protoAction: 'error', constructorAction: 'error' });
    } catch (error) {
      done(invalidJson(error), undefined);
      return;
    }
    if (typeof parsed === 'object' && parsed !== null && mayHoldUnstorableText(text)) {
      const unstorable = unstorableTexts(parsed);
      if (unstorable.length > 0) unstorableInBodies.set(parsed, unstorable);
    }
    done(null, parsed);
  });
}
