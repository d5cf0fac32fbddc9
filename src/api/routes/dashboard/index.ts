/**
 * The dashboard: `/` and its assets under `/dashboard/`, static files from src/dashboard read
 * once at start-up. Loading the page needs no key; the page asks for one and sends it only as
 * the Authorization header of its /v1 requests.
 *
 * Assets are not content-addressed, so they are revalidated on every use (`no-cache` with an
 * ETag: a 304 costs one round trip). The Content-Security-Policy allows nothing but our own
 * scripts, styles and API: no inline script, no eval, no third-party origin, no framing.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors/app-error.ts';

const dashboardDirectory = new URL('../../../dashboard/', import.meta.url);

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export const dashboardContentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface Asset {
  readonly body: Buffer;
  readonly contentType: string;
  readonly etag: string;
}

async function loadAssets(): Promise<Map<string, Asset>> {
  const assets = new Map<string, Asset>();
  for (const name of await readdir(dashboardDirectory)) {
    const contentType = contentTypes[extname(name)];
    if (!contentType) continue;
    const body = await readFile(new URL(name, dashboardDirectory));
    assets.set(name, { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` });
  }
  return assets;
}

function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: Asset) {
  reply
    .header('content-type', asset.contentType)
    .header('etag', asset.etag)
    .header('cache-control', 'public, no-cache')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('content-security-policy', dashboardContentSecurityPolicy);
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === asset.etag)) return reply.code(304).send();
  return reply.send(asset.body);
}

export async function dashboardRoutes(app: FastifyInstance): Promise<void> {
  const assets = await loadAssets();
  const page = assets.get('index.html');
  if (!page) throw new Error('the dashboard page index.html is missing');

  app.get('/', { schema: { hide: true } }, (request, reply) => sendAsset(request, reply, page));
  app.get<{ Params: { name: string } }>('/dashboard/:name', { schema: { hide: true } }, (request, reply) => {
    const asset = request.params.name === 'index.html' ? undefined : assets.get(request.params.name);
    if (!asset) throw new AppError(404, 'route_not_found', 'No such route', { detail: `There is no dashboard asset ${request.params.name}.` });
    return sendAsset(request, reply, asset);
  });
}
