import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const COMPILED_CHILD = join(ROOT, 'dist/apps/gateway/apps/gateway/src/roster/roster-import.child.js');

function newestSourceChange(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceChange(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The compiled roster-import child when `npm run build` made it after the last
 * change to the gateway's or the libraries' sources, else undefined. Each
 * import forks a child; compiled, it starts in a third of ts-node's time, which
 * on two shared cores is minutes over the roster suite. A stale build is never
 * used: the tests must run the code as it is now.
 */
export function freshCompiledRosterChild(): string | undefined {
  let built: number;
  try {
    built = statSync(COMPILED_CHILD).mtimeMs;
  } catch {
    return undefined;
  }
  const sources = Math.max(newestSourceChange(join(ROOT, 'apps/gateway/src')), newestSourceChange(join(ROOT, 'libs')));
  return built > sources ? COMPILED_CHILD : undefined;
}
