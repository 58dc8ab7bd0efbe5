import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { findWebAppRoot } from '../../src/http/web-app';

const REPOSITORY = join(__dirname, '..', '..', '..', '..');

/** What the web build is made from: a change to any of them makes dist/apps/web stale. */
const WEB_SOURCES = ['apps/web/src', 'apps/web/public', 'apps/web/index.html', 'apps/web/vite.config.ts', 'libs/api-client/src'];

/**
 * The built web app's directory, built first when it is missing or older than
 * its sources. `npm test` builds before jest runs, so there this only checks;
 * a spec run on its own after an edit rebuilds (a second or two) rather than
 * test yesterday's app.
 */
export function ensureWebAppBuilt(): string {
  const existing = findWebAppRoot();
  if (existing && !isStale(existing)) return existing;
  try {
    // Old assets are kept: a gateway another test file started on the previous build still serves its page.
    // NODE_ENV as `npm run build` has it: jest's "test" would make Vite build React's development bundles and
    // `import.meta.env.PROD` false, so the app under test would not be the one shipped (no service worker, for one).
    execFileSync('npm', ['run', '--silent', 'build:web', '--', '--emptyOutDir=false'], {
      cwd: REPOSITORY,
      stdio: 'pipe',
      timeout: 180_000,
      // eslint-disable-next-line no-restricted-properties -- the child's environment, not configuration
      env: { ...process.env, NODE_ENV: 'production' },
    });
  } catch (error) {
    const output = (error as { stderr?: Buffer; stdout?: Buffer }).stderr?.toString() || (error as Error).message;
    throw new Error(`The web app is not built (or older than its sources) and "npm run build:web" failed:\n${output}`);
  }
  const built = findWebAppRoot();
  if (!built) throw new Error('"npm run build:web" finished but dist/apps/web/index.html is missing');
  return built;
}

function isStale(root: string): boolean {
  const builtAt = statSync(join(root, 'index.html')).mtimeMs;
  return WEB_SOURCES.some((source) => newestChange(join(REPOSITORY, source)) > builtAt);
}

function newestChange(path: string): number {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(stats.mtimeMs, ...readdirSync(path).map((entry) => newestChange(join(path, entry))));
}
