/**
 * One error model for the whole API: every error, whether thrown by a route, by validation, by
 * the body parser or by a plugin, leaves as `application/problem+json`. Client mistakes are 4xx
 * with a stable `code`. An outage of PostgreSQL or Redis, wherever a route meets it, is a 503
 * (`database_unavailable`, `queue_unavailable`) with `Retry-After`, and so is a pool whose
 * connections all stayed in use while the request waited (`service_busy`); anything else is a 500
 * whose details go to the log only.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ZodError } from 'zod';
import { isDatabaseUnavailable } from '../../db/database-unavailable.ts';
import { isPoolBusy } from '../../db/pool-busy.ts';
import { isRedisUnavailable } from '../../queue/redis-unavailable.ts';
import { AppError } from '../errors/app-error.ts';
import type { ErrorCode } from '../errors/error-catalogue.ts';
import { problemContentType, problemType, type Problem } from '../errors/problem.ts';
import { cappedIssues, maxListedIssues, validationProblem } from '../errors/validation-problem.ts';
import { csvContentType } from '../routes/datasets/csv-upload.ts';

/** Fastify's own client errors, by fastify error code. */
const frameworkErrors: Record<string, { code: ErrorCode; title: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_json', title: 'The body is not valid JSON' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'body_too_large', title: 'The body is too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type', title: 'Unsupported media type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'invalid_content_length', title: 'Content-Length does not match the body' },
  FST_ERR_BAD_URL: { code: 'bad_url', title: 'The URL is malformed' },
};

function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  problem: Omit<Problem, 'type' | 'instance'>,
  headers: Readonly<Record<string, string>> = {},
): FastifyReply {
  const capped = problem.errors !== undefined && problem.errors.length > maxListedIssues ? cappedIssues(problem.detail ?? problem.title, problem.errors) : {};
  return reply
    .code(problem.status)
    .headers(headers)
    .type(problemContentType)
    .send({ type: problemType(problem.code), instance: request.url.split('?')[0], ...problem, ...capped });
}

/** Seconds a client is asked to wait before retrying through an outage. */
const outageRetryAfterSeconds = '5';

/**
 * The problem for an outage of PostgreSQL or Redis met by a request, or for a pool whose
 * connections all stayed in use while it waited for one (busy, not down); null for any other error.
 */
function outageProblem(error: unknown) {
  if (isPoolBusy(error)) {
    return {
      status: 503, code: 'service_busy', title: 'The service is busy',
      detail: 'Every database connection for this kind of request stayed in use while the request waited for one: most often the service is busy, not the database down. Retry later.',
    } as const;
  }
  if (isDatabaseUnavailable(error)) {
    return {
      status: 503, code: 'database_unavailable', title: 'The database is unavailable',
      detail: 'PostgreSQL could not be reached or did not answer in time; retry later.',
    } as const;
  }
  if (isRedisUnavailable(error)) {
    return {
      status: 503, code: 'queue_unavailable', title: 'The run queue is unavailable',
      detail: 'Redis could not be reached; retry later.',
    } as const;
  }
  return null;
}

/** The media types a body may have, each on the routes whose scope parses it (text/csv: datasets). */
const bodyMediaTypes = ['application/json', csvContentType];

/**
 * Fastify says only "Unsupported Media Type": the problem names the type the body came as and the
 * ones the route takes. The usual cause is `curl -d` without a Content-Type header, which sends
 * the body as a form.
 */
function unsupportedMediaType(request: FastifyRequest): string {
  const sent = request.headers['content-type'];
  const taken = bodyMediaTypes.filter((type) => request.server.hasContentTypeParser(type)).map((type) => `\`${type}\``).join(' or ');
  const named = sent === undefined ? 'no Content-Type' : `Content-Type \`${sent.length > 100 ? `${sent.slice(0, 100)}…` : sent}\``;
  const form = sent?.startsWith('application/x-www-form-urlencoded') ? ' (curl -d sends a form unless told otherwise: add -H \'Content-Type: application/json\')' : '';
  return `The body came with ${named}${form}; ${request.method} ${request.url.split('?')[0]} takes ${taken}.`;
}

/** A request with no body at all (a POST without `-d`), which validation would call `null`, as if the JSON `null` had been sent. */
function cameWithoutBody(request: FastifyRequest): boolean {
  return (request.body === undefined || request.body === null) && !(Number(request.headers['content-length']) > 0) && request.headers['transfer-encoding'] === undefined;
}

const missingBody = (request: FastifyRequest): Omit<Problem, 'type' | 'instance'> => ({
  status: 400,
  code: 'validation_failed',
  title: 'The request is invalid',
  detail: `${request.method} ${request.url.split('?')[0]} takes a JSON body, and the request has none.`,
  errors: [{ path: '', message: 'The request has no body.', code: 'missing_body' }],
});

function isClientError(error: FastifyError): boolean {
  return typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500;
}

/**
 * The errors fastify meets before a request reaches a route (Fastify's `frameworkErrors`
 * option): a URL that cannot be decoded is a 400 `bad_url`; a path segment longer than any id
 * (the router's parameter limit) names nothing, so it is the 404 any unknown id gets.
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return sendProblem(request, reply, { status: 404, code: 'not_found', title: 'Not found', detail: 'No such resource: a path segment is longer than any id.' });
  }
  const known = frameworkErrors[error.code] ?? { code: 'bad_request' satisfies ErrorCode, title: 'Bad request' };
  return sendProblem(request, reply, { status: 400, ...known, detail: error.message });
}

/** What the HTTP parser refused, as a problem (without `instance`: the path was not read). */
function clientErrorProblem(error: Error & { code?: string; reason?: string }): Omit<Problem, 'type' | 'instance'> {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { status: 408, code: 'request_timeout', title: 'Request timeout', detail: 'The request was not received in time.' };
  }
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return { status: 431, code: 'headers_too_large', title: 'The headers are too large', detail: 'The request headers exceed the server\'s limit; send fewer or shorter ones.' };
  }
  const reason = (error.reason ?? error.message).replace(/\.$/, '');
  return { status: 400, code: 'bad_request', title: 'Bad request', detail: `The request is not valid HTTP: ${reason}.` };
}

/**
 * Fastify's `clientErrorHandler`: bytes the HTTP parser refuses (a header with a control
 * character, a request line that is not one, headers beyond the limit, a request not received
 * in time) never become a request; they are answered as problems too, on the raw socket, which
 * is then closed (as Node and fastify do). A socket already answering an earlier request (bytes
 * pipelined behind a streamed response, an event stream) is closed without one: a problem written
 * there would land inside that response.
 */
export function answerClientError(error: Error & { code?: string; reason?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const answering = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage?.headersSent === true;
  if (socket.writable && !answering) {
    const problem = clientErrorProblem(error);
    const body = JSON.stringify({ type: problemType(problem.code), ...problem });
    socket.write(`HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`
      + `Content-Type: ${problemContentType}; charset=utf-8\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      if (error.statusCode >= 500) request.log.error({ err: error.cause ?? error }, error.message);
      return sendProblem(request, reply, {
        status: error.statusCode,
        code: error.code,
        title: error.title,
        ...(error.detail === undefined ? {} : { detail: error.detail }),
        ...(error.errors === undefined ? {} : { errors: [...error.errors] }),
        ...(error.quota === undefined ? {} : { quota: error.quota }),
        ...(error.usedBy === undefined ? {} : { usedBy: error.usedBy }),
      }, error.headers);
    }
    // Our validator compiler hands fastify the ZodError itself (see validator-compiler.ts).
    if (error instanceof ZodError) {
      const target = (error as ZodError & { validationContext?: string }).validationContext;
      return sendProblem(request, reply, (target ?? 'body') === 'body' && cameWithoutBody(request) ? missingBody(request) : validationProblem(error, target));
    }
    if (isClientError(error)) {
      const known = frameworkErrors[error.code] ?? { code: 'bad_request' satisfies ErrorCode, title: 'Bad request' };
      const detail = error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? unsupportedMediaType(request) : error.message;
      return sendProblem(request, reply, { status: error.statusCode!, ...known, detail });
    }
    const outage = outageProblem(error);
    if (outage) {
      request.log.warn({ err: error }, outage.detail);
      return sendProblem(request, reply, outage, { 'retry-after': outageRetryAfterSeconds });
    }
    request.log.error({ err: error }, 'request failed');
    return sendProblem(request, reply, {
      status: 500,
      code: 'internal_error',
      title: 'Internal server error',
      detail: 'The server failed to handle the request; the error has been logged.',
    });
  });

  installNotFoundHandler(app);
}

/** Methods served per route pattern, to tell 405 (wrong method) from 404 (no such path). */
function installNotFoundHandler(app: FastifyInstance): void {
  const routes: { pattern: RegExp; methods: Set<string> }[] = [];
  app.addHook('onRoute', (route) => {
    const pattern = new RegExp(`^${route.url.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:\w+/g, '[^/]+').replace(/\*/g, '.*')}/?$`);
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const known = routes.find((entry) => entry.pattern.source === pattern.source);
    if (known) methods.forEach((method) => known.methods.add(method));
    else routes.push({ pattern, methods: new Set(methods) });
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const allowed = new Set(routes.filter((route) => route.pattern.test(path)).flatMap((route) => [...route.methods]));
    // A path that only looks like a route serving this method (`/dashboard/`, no asset) has no route at all.
    if (allowed.size > 0 && !allowed.has(request.method)) {
      return sendProblem(request, reply, {
        status: 405,
        code: 'method_not_allowed',
        title: 'Method not allowed',
        detail: `${request.method} is not allowed on ${path}; allowed: ${[...allowed].sort().join(', ')}.`,
      }, { allow: [...allowed].sort().join(', ') });
    }
    return sendProblem(request, reply, {
      status: 404,
      code: 'route_not_found',
      title: 'No such route',
      detail: `There is no route ${request.method} ${path}.`,
    });
  });
}
