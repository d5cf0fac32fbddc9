/**
 * The chart libraries the dashboard runs in the browser, served from the installed packages as
 * ES modules: no bundler, no CDN. Each package's `module` entry is served under a versioned URL
 * (`/dashboard/vendor/<name>@<version>/<entry>`, cached as immutable), and an import map lets
 * the page's own modules import them by their bare names (`import uPlot from 'uplot'`).
 *
 * The packages are the dashboard's direct imports plus everything they import in turn, read
 * from their package.json files, so an upgrade is `npm install` and nothing else.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/** What the dashboard's own modules import. */
const browserImports = ['uplot', 'd3-array', 'd3-contour', 'd3-scale', 'd3-scale-chromatic'] as const;

/** Stylesheets a package needs next to its module. */
const browserStylesheets: Readonly<Record<string, string>> = { uplot: 'dist/uPlot.min.css' };

const nodeModules = new URL('../../../../node_modules/', import.meta.url);

export interface BrowserFile {
  readonly body: Buffer;
  readonly contentType: string;
}

export interface BrowserModules {
  /** Files by URL path. */
  readonly files: ReadonlyMap<string, BrowserFile>;
  /** The `<script type="importmap">` text. */
  readonly importMap: string;
  /** The CSP source that allows exactly that inline import map. */
  readonly importMapSource: string;
  /** Tags for the page's head: the stylesheets, the import map, and module preloads. */
  readonly headTags: string;
}

interface PackageManifest {
  readonly name: string;
  readonly version: string;
  readonly module?: string;
  readonly dependencies?: Record<string, string>;
}

async function manifestOf(name: string): Promise<PackageManifest> {
  return JSON.parse(await readFile(new URL(`${name}/package.json`, nodeModules), 'utf8')) as PackageManifest;
}

const urlOf = (manifest: PackageManifest, path: string) => `/dashboard/vendor/${manifest.name}@${manifest.version}/${path.replace(/^\.\//, '')}`;

export async function loadBrowserModules(): Promise<BrowserModules> {
  const manifests = new Map<string, PackageManifest>();
  const pending: string[] = [...browserImports];
  while (pending.length) {
    const name = pending.pop()!;
    if (manifests.has(name)) continue;
    const manifest = await manifestOf(name);
    if (!manifest.module) throw new Error(`the browser package ${name} has no ES module entry`);
    manifests.set(name, manifest);
    pending.push(...Object.keys(manifest.dependencies ?? {}));
  }

  const files = new Map<string, BrowserFile>();
  const imports: Record<string, string> = {};
  const stylesheets: string[] = [];
  for (const manifest of manifests.values()) {
    const url = urlOf(manifest, manifest.module!);
    imports[manifest.name] = url;
    files.set(url, { body: await readFile(new URL(`${manifest.name}/${manifest.module}`, nodeModules)), contentType: 'text/javascript; charset=utf-8' });
    const stylesheet = browserStylesheets[manifest.name];
    if (stylesheet) {
      const styleUrl = urlOf(manifest, stylesheet);
      files.set(styleUrl, { body: await readFile(new URL(`${manifest.name}/${stylesheet}`, nodeModules)), contentType: 'text/css; charset=utf-8' });
      stylesheets.push(styleUrl);
    }
  }

  const importMap = JSON.stringify({ imports });
  const headTags = [
    ...stylesheets.map((url) => `<link rel="stylesheet" href="${url}">`),
    `<script type="importmap">${importMap}</script>`,
    ...Object.values(imports).map((url) => `<link rel="modulepreload" href="${url}">`),
  ].join('\n  ');
  return {
    files,
    importMap,
    importMapSource: `'sha256-${createHash('sha256').update(importMap).digest('base64')}'`,
    headTags,
  };
}
