/**
 * Conditional GETs: an answer carries an `ETag`, and a request sending it back in
 * `If-None-Match` gets `304 Not Modified` with no body while the answer would be the same.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';

/** A weak entity tag naming `content` (weak: equal meaning, not necessarily equal bytes on the wire). */
export function weakEtag(content: string): string {
  return `W/"${createHash('sha1').update(content).digest('base64url')}"`;
}

/** Whether an If-None-Match header names `etag` (weak comparison, RFC 9110 §13.1.2) or is `*`. */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag.replace(/^W\//, '');
  });
}

/** The 304 answer of a route sending tagged JSON: no body. */
export const notModifiedSchema = z.null().describe('Not modified since the ETag sent in If-None-Match.');

/**
 * Sends a JSON document already written out, tagged by its content: 304 when the client holds
 * it already. `private, no-cache`: a browser keeps it but asks again each time.
 */
export function sendTaggedJson(request: FastifyRequest, reply: FastifyReply, json: string): FastifyReply {
  const etag = weakEtag(json);
  reply.header('etag', etag).header('cache-control', 'private, no-cache').header('vary', 'authorization');
  if (matchesEtag(request.headers['if-none-match'], etag)) return reply.code(304).send();
  return reply.type('application/json; charset=utf-8').serializer((body: unknown) => body as string).send(json);
}
