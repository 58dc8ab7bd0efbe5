import AxeBuilder from '@axe-core/playwright';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { BACKEND_SERVICES, type BackendService } from '@sessionledger/contracts';
import { DistrictReplica } from '@sessionledger/district-replica';
import { TenantTransactions } from '@sessionledger/persistence';
import { stopApps, waitFor } from '@sessionledger/testing';
import { startBackend } from '../../../gateway/test/support/backends';
import { createDistrict, startGateway, type TestDistrict } from '../../../gateway/test/support/gateway-harness';
import { ensureWebAppBuilt } from '../../../gateway/test/support/web-build';

/** Debian's Chromium: browsers are not downloaded by npm here (`.ci/run` installs the package when missing). */
export const CHROMIUM = '/usr/bin/chromium';

/** Where `screenshots()` writes; gitignored, kept by CI as the run's pictures of every screen. */
export const SCREENSHOT_DIR = join(__dirname, '..', '..', '..', '..', 'test-results', 'screenshots');

/** Desktop, tablet (portrait) and phone. */
export const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 768, height: 1024 },
  { width: 390, height: 844 },
] as const;

const SERVICES_WITH_DISTRICT_SETTINGS: BackendService[] = ['scheduling', 'session-log'];

/**
 * The real platform for a browser: the five apps in this process (each as
 * `main.js serve` runs it, with this test file's own database and Redis
 * prefix, relays on so events flow as in production), the gateway listening
 * on a free port and serving the built web app.
 */
export interface BrowserPlatform {
  /** `http://127.0.0.1:<port>`: the app at `/`, the API at `/api`. */
  baseUrl: string;
  gateway: NestFastifyApplication;
  backends: Map<BackendService, NestFastifyApplication>;
  /** A district whose settings have reached the services that apply them. */
  district(schoolCount?: number): Promise<TestDistrict>;
  stop(): Promise<void>;
}

export interface BrowserPlatformOptions {
  /** The gateway's port; by default one the OS picks. Set it when the gateway's environment must name its own URL (SSO). */
  port?: number;
  /** More of the gateway's environment (e.g. SSO_APP_URL). */
  gatewayEnv?: Record<string, string>;
}

export async function startBrowserPlatform(options: BrowserPlatformOptions = {}): Promise<BrowserPlatform> {
  ensureWebAppBuilt();
  const relays = { OUTBOX_RELAY_ENABLED: 'true', RPC_TIMEOUT_MS: '5000' };
  const gateway = await startGateway({ ...relays, ...options.gatewayEnv });
  const backends = new Map<BackendService, NestFastifyApplication>();
  for (const service of BACKEND_SERVICES) backends.set(service, await startBackend(service, relays));
  await gateway.listen(options.port ?? 0, '127.0.0.1');
  const address = gateway.getHttpServer().address();
  if (!address || typeof address === 'string') throw new Error('The gateway is not listening on a TCP port');
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    gateway,
    backends,
    async district(schoolCount = 1) {
      const district = await createDistrict(gateway, schoolCount);
      for (const service of SERVICES_WITH_DISTRICT_SETTINGS) await settingsReached(backends.get(service), district.id);
      return district;
    },
    stop: () => stopApps(gateway, ...backends.values()),
  };
}

/** A loopback port free right now (for a gateway whose environment must know its own URL before it listens). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address !== 'string' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function settingsReached(app: NestFastifyApplication | undefined, districtId: string): Promise<void> {
  if (!app) return;
  const transactions = app.get(TenantTransactions);
  // A limit, not an expectation: the settings event crosses the outbox relay and BullMQ, which a loaded CI machine has slowed past 15 s.
  await waitFor(async () => Boolean(await transactions.run(districtId, (em) => em.findOne(DistrictReplica, { districtId }))), 60_000);
}

export interface TestBrowser {
  /** A new tab at desktop size (its own sessionStorage: a new tab starts signed out). */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** The device's time zone (an IANA name), e.g. one far from the district's, to prove screens use the district's; by default this machine's. */
  timezoneId?: string;
}

/** Headless Chromium with a fresh profile, nothing running in the background and nothing fetched from the internet. */
export async function launchBrowser(options: LaunchOptions = {}): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Browser tests need Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  const profile = await mkdtemp(join(tmpdir(), 'sl-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: VIEWPORTS[0],
    ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // A fresh profile opens with one blank tab; tests open their own.
  await Promise.all(context.pages().map((page) => page.close()));
  return {
    newPage: () => context.newPage(),
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Fails when axe-core finds a serious or critical WCAG 2.1 A/AA violation on
 * the page as it is now, naming each rule and where it failed.
 */
export async function expectAccessible(page: Page, screenName: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const blocking = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  if (blocking.length === 0) return;
  const report = blocking
    .map((violation) => {
      const where = violation.nodes.slice(0, 5).map((node) => `${node.target.join(' ')}\n      ${(node.failureSummary ?? '').replace(/\n\s*/g, ' ')}`);
      return `- ${violation.id} (${violation.impact}): ${violation.help}\n    at ${where.join('\n    at ')}`;
    })
    .join('\n');
  throw new Error(`The ${screenName} screen has accessibility violations:\n${report}`);
}

/**
 * The page as it is now at desktop, tablet and phone sizes:
 * test-results/screenshots/<name>-<width>x<height>.png. The whole page by
 * default; `fullPage: false` for the viewport only (an open menu, whose fixed
 * panel a whole-page picture would stretch).
 */
export async function screenshots(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string[]> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const original = page.viewportSize();
  const files: string[] = [];
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport);
    // Let the layout settle at the new size (media queries, fonts) before the picture.
    // (A string: this file is compiled without the DOM's types.)
    await page.evaluate('document.fonts.ready.then(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))))');
    const file = join(SCREENSHOT_DIR, `${name}-${viewport.width}x${viewport.height}.png`);
    await page.screenshot({ path: file, fullPage: options.fullPage ?? true, animations: 'disabled' });
    files.push(file);
  }
  if (original) await page.setViewportSize(original);
  return files;
}

/** Signs in on the sign-in screen the page shows (the app's `/` when signed out). */
export async function signInOnScreen(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Opens the app signed out, signs in, and waits for Today. */
export async function signInToToday(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await signInOnScreen(page, email, password);
  await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
}
