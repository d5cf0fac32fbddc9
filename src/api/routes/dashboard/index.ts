/**
 * The dashboard: `/` and its assets under `/dashboard/`, static files from src/dashboard read
 * once at start-up, the contract's tables as a module (contracts-module.ts), and the chart
 * libraries it imports (browser-modules.ts). Loading the page
 * needs no key; the page asks for one and sends it only as the Authorization header of its /v1
 * requests.
 *
 * Our assets are not content-addressed, so they are revalidated on every use (`no-cache` with
 * an ETag: a 304 costs one round trip); the libraries' URLs name their version, so they are
 * cached as immutable. The Content-Security-Policy allows nothing but our own scripts, styles
 * and API, plus the one inline import map by its hash: no other inline script, no eval, no
 * third-party origin, no framing.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors/app-error.ts';
import { loadBrowserModules, type BrowserFile } from './browser-modules.ts';
import { contractsModule } from './contracts-module.ts';
import { matchesEtag } from '../etag.ts';

const dashboardDirectory = new URL('../../../dashboard/', import.meta.url);
/** Where index.html takes the libraries' stylesheets, import map and preloads. */
const headPlaceholder = '<!-- browser modules -->';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

function dashboardContentSecurityPolicy(importMapSource: string): string {
  return [
    "default-src 'none'",
    `script-src 'self' ${importMapSource}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

interface Asset extends BrowserFile {
  readonly etag: string;
  readonly cacheControl: string;
}

const etagOf = (body: Buffer) => `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
const revalidated = 'public, no-cache';
const immutable = 'public, max-age=31536000, immutable';

/**
 * Every servable file under src/dashboard, by its path relative to it (`runs/run-view.js`). The
 * page's head gets the libraries' tags and a preload of each of our modules, so the browser
 * fetches them all at once instead of one import level after another.
 */
async function loadAssets(headTags: string): Promise<Map<string, Asset>> {
  const assets = new Map<string, Asset>();
  for (const entry of await readdir(dashboardDirectory, { recursive: true, withFileTypes: true })) {
    const contentType = contentTypes[extname(entry.name)];
    if (!entry.isFile() || !contentType) continue;
    const relative = `${entry.parentPath.slice(new URL(dashboardDirectory).pathname.length)}/${entry.name}`.replace(/^\/+/, '');
    const body = await readFile(new URL(relative, dashboardDirectory));
    assets.set(relative, { body, contentType, etag: etagOf(body), cacheControl: revalidated });
  }
  const contracts = contractsModule();
  assets.set('contracts.js', { body: contracts, contentType: contentTypes['.js']!, etag: etagOf(contracts), cacheControl: revalidated });
  const page = assets.get('index.html');
  if (!page) throw new Error('the dashboard page index.html is missing');
  const preloads = [...assets.keys()].filter((name) => name.endsWith('.js')).sort().map((name) => `<link rel="modulepreload" href="/dashboard/${name}">`);
  const body = Buffer.from(page.body.toString('utf8').replace(headPlaceholder, [headTags, ...preloads].join('\n  ')));
  assets.set('index.html', { ...page, body, etag: etagOf(body) });
  return assets;
}

export async function dashboardRoutes(app: FastifyInstance): Promise<void> {
  const modules = await loadBrowserModules();
  const policy = dashboardContentSecurityPolicy(modules.importMapSource);
  const assets = await loadAssets(modules.headTags);
  const page = assets.get('index.html');
  if (!page) throw new Error('the dashboard page index.html is missing');
  const vendor = new Map([...modules.files].map(([url, file]) => [url, { ...file, etag: etagOf(file.body), cacheControl: immutable }]));

  const sendAsset = (request: FastifyRequest, reply: FastifyReply, asset: Asset) => {
    reply
      .header('content-type', asset.contentType)
      .header('etag', asset.etag)
      .header('cache-control', asset.cacheControl)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('content-security-policy', policy);
    if (matchesEtag(request.headers['if-none-match'], asset.etag)) return reply.code(304).send();
    return reply.send(asset.body);
  };

  app.get('/', { schema: { hide: true } }, (request, reply) => sendAsset(request, reply, page));
  app.get<{ Params: { '*': string } }>('/dashboard/*', { schema: { hide: true } }, (request, reply) => {
    const name = request.params['*'];
    const asset = name === 'index.html' ? undefined : assets.get(name) ?? vendor.get(`/dashboard/${name}`);
    if (!asset) throw new AppError(404, 'route_not_found', 'No such route', { detail: `There is no dashboard asset ${name}.` });
    return sendAsset(request, reply, asset);
  });
}
