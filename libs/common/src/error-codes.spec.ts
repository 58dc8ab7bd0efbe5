import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ERROR_CODE_PATTERN, NotFound } from './domain-error';

const ROOT = join(__dirname, '../../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'migrations' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !/\.(spec|e2e-spec|int-spec)\.ts$/.test(entry.name) ? [path] : [];
  });
}

/**
 * Every literal error code in the source: the code argument of `new DomainError(kind, code, …)`
 * and of `super(kind, code, …)` in its subclasses, the first argument of Conflict, Forbidden
 * and Unauthenticated, `code: '…', message` in error bodies, and the gateway's codes by HTTP status.
 */
const CODE_SITES = [
  /new DomainError\(\s*'[a-z_]+',\s*['`]([^'`]+)['`]/g,
  /super\(\s*'[a-z_]+',\s*['`]([^'`]+)['`]/g,
  /new (?:Conflict|Forbidden|Unauthenticated)\(\s*['`]([^'`]+)['`]/g,
  /\bcode: ['`]([^'`]+)['`],\s*message:/g,
];
/** The gateway's codes for HTTP refusals (`404: 'ROUTE.NOT_FOUND'`). */
const CODE_BY_STATUS_ENTRY = /^\s+\d{3}: '([^']+)',$/gm;

describe('error codes', () => {
  const files = [...sourceFiles(join(ROOT, 'apps')), ...sourceFiles(join(ROOT, 'libs'))].filter((file) => !file.includes('/api-client/'));
  const found = files.flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    const sites = text.includes('CODE_BY_STATUS') ? [...CODE_SITES, CODE_BY_STATUS_ENTRY] : CODE_SITES;
    return sites.flatMap((site) => [...text.matchAll(site)].map((match) => ({ file: relative(ROOT, file), code: match[1] })));
  });

  it('finds the codes it checks (the scan itself works)', () => {
    const codes = found.map(({ code }) => code);
    expect(codes).toEqual(expect.arrayContaining(['REQUEST.INVALID', 'RECORD.STALE', 'SESSION.NOT_POSTABLE', 'IDEMPOTENCY.KEY_REUSED', 'ROUTE.METHOD_NOT_ALLOWED']));
  });

  it('are upper snake case words joined by dots, without spaces, wherever they are raised', () => {
    const bad = found
      .filter(({ code }) => code.includes('${') ? !ERROR_CODE_PATTERN.test(code.replace(/\$\{[^}]+\}/g, 'X')) : !ERROR_CODE_PATTERN.test(code))
      .map(({ file, code }) => `${file}: ${code}`);
    expect(bad).toEqual([]);
  });

  it('turns a not-found resource of several words into one code word', () => {
    expect(new NotFound('roster import', 'x').code).toBe('ROSTER_IMPORT.NOT_FOUND');
    expect(new NotFound('pay-period').code).toBe('PAY_PERIOD.NOT_FOUND');
    expect(ERROR_CODE_PATTERN.test('SESSION.ALREADY_ACTIVE')).toBe(true);
    expect(ERROR_CODE_PATTERN.test('Session.already active')).toBe(false);
  });
});
