import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fastifyStatic from '@fastify/static';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where `npm run build` puts the web app (vite build), relative to the repository or image root. */
const WEB_APP_OUTPUT = join('dist', 'apps', 'web');

/** Hashed file names change with their content, so a browser may keep them for good. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The app's page loads only its own scripts and styles and talks only to this
 * origin. Inline styles are allowed because the component library (Mantine)
 * sets style attributes and its theme variables in a style element; inline
 * scripts are not.
 */
export const WEB_APP_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** Paths that belong to the API and the probes: never answered with the app's page. */
const NOT_THE_APP = /^\/(api|health|metrics)(\/|$)/;

/** Whether a path is the web app's (its files or its pages) rather than the API's or the probes'. */
export function isWebAppPath(path: string): boolean {
  return !NOT_THE_APP.test(path);
}

/**
 * The built web app's directory: `dist/apps/web` of the first ancestor of this
 * file that has one (the repository when run from source or from `dist/`, `/app`
 * in the image), or undefined when the app was not built.
 */
export function findWebAppRoot(from = __dirname): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, WEB_APP_OUTPUT);
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Serves the web app at `/`, beside the API on the same origin:
 *
 * - files of the build as they are, `/assets/*` (hashed names) cached for a year;
 * - any other GET of a path outside /api, /health and /metrics with no file
 *   extension answers `index.html`, so the app's own routes (`/today`,
 *   `/sessions/…`) survive a reload or a bookmark;
 * - `index.html` is never stored, so a new release is picked up at once.
 *
 * Unknown API paths keep their JSON 404/405. Without a build (unit tests,
 * an API-only deployment) nothing is served and the gateway starts as before.
 */
export async function serveWebApp(app: NestFastifyApplication, root = findWebAppRoot()): Promise<void> {
  const logger = new Logger('WebApp');
  if (!root) {
    logger.warn('The web app is not built (npm run build); / answers 404');
    return;
  }
  const indexHtml = readFileSync(join(root, 'index.html'));
  const fastify = app.getHttpAdapter().getInstance();

  fastify.addHook('onRequest', (request, reply, done) => {
    const path = request.url.split('?')[0];
    if (!isWebAppPath(path)) return done();
    if (request.is404) {
      const lastSegment = path.slice(path.lastIndexOf('/') + 1);
      // A missing file (an old asset, a mistyped favicon) stays a 404 rather than a page of HTML.
      const isPage = path === '/index.html' || !lastSegment.includes('.');
      if ((request.method !== 'GET' && request.method !== 'HEAD') || !isPage) return done();
      void pageHeaders(reply).type('text/html; charset=utf-8').send(indexHtml);
      return;
    }
    if (path.startsWith('/assets/')) void reply.header('cache-control', IMMUTABLE);
    // Other top-level files (icons, a manifest, a service worker) are checked on every use.
    else void reply.header('cache-control', 'no-cache');
    // The app's policy rather than the API's `default-src 'none'`: a service worker runs under the policy it was
    // served with, and under 'none' it could not fetch the shell it keeps for offline use.
    void reply.header('content-security-policy', WEB_APP_CONTENT_SECURITY_POLICY);
    done();
  });

  // One route per file found now (wildcard: false), so every other path stays unmatched: the page above, or the
  // API's own 404. index.html is left out: every page, `/` included, is the copy read at start, so the page and
  // the assets it names always come from the same build even if the directory is rebuilt under a running gateway.
  // The headers are set above on the reply: the security headers' hook reads them there.
  await app.register(fastifyStatic, { root, prefix: '/', wildcard: false, index: false, globIgnore: ['index.html'], cacheControl: false, dotfiles: 'ignore' });
  logger.log({ root }, 'serving the web app at /');
}

function pageHeaders<R extends { header(name: string, value: string): R }>(reply: R): R {
  return reply.header('cache-control', 'no-store').header('content-security-policy', WEB_APP_CONTENT_SECURITY_POLICY);
}
