import { randomBytes } from 'node:crypto';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MinLength,
  Min,
  ValidateIf,
  validateSync,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);

const toBoolean = ({ value }: { value: unknown }) => (value === undefined ? undefined : value === true || value === 'true');

/**
 * Every variable the platform reads. This class is the only place that knows
 * about `process.env`; boot fails listing every bad variable at once.
 */
export class Environment {
  /** Unset means production: a forgotten variable must never relax the secret checks. */
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'production';

  @IsInt()
  @Min(0)
  @Max(65535)
  @Transform(toInt)
  HTTP_PORT = 3000;

  @IsString()
  HTTP_HOST = '0.0.0.0';

  /**
   * Prometheus' `/metrics` is served on its own port, never the public one, so an
   * ingress or a published port cannot expose it. 0 picks a free port (tests).
   */
  @IsInt()
  @Min(0)
  @Max(65535)
  @Transform(toInt)
  METRICS_PORT = 9464;

  @IsString()
  METRICS_HOST = '0.0.0.0';

  /**
   * Gateway: the password of the installation operators' queue dashboard (Bull
   * Board, HTTP Basic auth as user `operator`), served on OPS_DASHBOARD_PORT
   * only, never on HTTP_PORT. Empty (the default) serves no dashboard. It shows
   * every district's jobs, so it is no district admin's: a cluster secret.
   */
  @IsString()
  @ValidateIf((env: { OPS_DASHBOARD_TOKEN?: string }) => env.OPS_DASHBOARD_TOKEN !== '')
  @MinLength(32, { message: 'OPS_DASHBOARD_TOKEN must be at least 32 characters (for example: openssl rand -base64 32)' })
  OPS_DASHBOARD_TOKEN = '';

  @IsInt()
  @Min(0)
  @Max(65535)
  @Transform(toInt)
  OPS_DASHBOARD_PORT = 9465;

  @IsString()
  OPS_DASHBOARD_HOST = '0.0.0.0';

  /** Largest request body a route accepts unless it declares its own limit (roster uploads do). */
  @IsInt()
  @Min(1024)
  @Max(64 * 1024 * 1024)
  @Transform(toInt)
  HTTP_BODY_LIMIT_BYTES = 1024 * 1024;

  /** Deepest nesting of arrays and objects a JSON body may have; deeper bodies are refused before parsing. */
  @IsInt()
  @Min(4)
  @Max(256)
  @Transform(toInt)
  JSON_MAX_DEPTH = 32;

  /** Whether the gateway serves the OpenAPI document and its UI at /api/docs. */
  @IsBoolean()
  @Transform(toBoolean)
  API_DOCS_ENABLED = true;

  /** Connection used by the running app: a login role that owns nothing and lacks BYPASSRLS. */
  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false })
  DATABASE_URL = 'postgres://sl_app@127.0.0.1:5432/sessionledger';

  /** Connection used by the `migrate` command only; must be allowed to create roles and schemas. */
  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false })
  MIGRATION_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/sessionledger';

  /** Password given to the service login roles by `migrate` (trust auth needs none). */
  @IsOptional()
  @IsString()
  APP_DATABASE_PASSWORD?: string;

  @IsInt()
  @Min(1)
  @Max(200)
  @Transform(toInt)
  DATABASE_POOL_MAX = 10;

  @IsUrl({ protocols: ['redis', 'rediss'], require_tld: false })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Prefix of every Redis key the platform writes; tests use one per run. */
  @Matches(/^[a-z0-9][a-z0-9_-]{0,39}$/)
  REDIS_PREFIX = 'sl';

  @IsInt()
  @Min(100)
  @Max(120_000)
  @Transform(toInt)
  RPC_TIMEOUT_MS = 5000;

  /** Sessions one bulk-post command examines (~30 ms each under load): keeps each well inside RPC_TIMEOUT_MS. */
  @IsInt()
  @Min(1)
  @Max(500)
  @Transform(toInt)
  BULK_POST_BATCH_SIZE = 40;

  @IsInt()
  @Min(1)
  @Max(256)
  @Transform(toInt)
  WORKER_CONCURRENCY = 16;

  /** Whether this instance relays its service's outbox; every replica may (they share rows safely). */
  @IsBoolean()
  @Transform(toBoolean)
  OUTBOX_RELAY_ENABLED = true;

  /** How often session-log looks for posted versions payroll never acknowledged and republishes them; 0 turns it off. */
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  @Transform(toInt)
  RECONCILE_INTERVAL_MS = 60_000;

  /**
   * How often the gateway looks for districts whose retention policy disposes
   * automatically and that had no disposal run in the last day; 0 turns it off.
   */
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  @Transform(toInt)
  RETENTION_SWEEP_INTERVAL_MS = 3_600_000;

  /** How old an unacknowledged version (and its last publication) must be before it is republished. */
  @IsInt()
  @Min(100)
  @Max(86_400_000)
  @Transform(toInt)
  RECONCILE_GRACE_MS = 30_000;

  /** How often scheduling re-adds the jobs of overdue task reminders Redis lost (also once at boot); 0 turns it off. */
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  @Transform(toInt)
  REMINDER_SWEEP_INTERVAL_MS = 300_000;

  /**
   * The mail server every e-mail goes through: `smtp://[user:password@]host[:587]`
   * (STARTTLS when the server offers it) or `smtps://…[:465]` (TLS from the
   * first byte). Unset: e-mail is written to MAIL_DIR, or not sent at all.
   */
  @IsOptional()
  @IsUrl({ protocols: ['smtp', 'smtps'], require_tld: false, require_protocol: true })
  SMTP_URL?: string;

  /** The sender of every e-mail (`address` or `Name <address>`). */
  @IsString()
  @MinLength(3)
  SMTP_FROM = 'reminders@sessionledger.invalid';

  /** Most connections the pooled SMTP transport keeps open per app instance. */
  @IsInt()
  @Min(1)
  @Max(100)
  @Transform(toInt)
  SMTP_MAX_CONNECTIONS = 5;

  /** Without SMTP_URL, e-mail is written here as .eml files (the demo uses `.demo/mail`); empty sends none. */
  @IsString()
  MAIL_DIR = '';

  /** The app's public address, which every e-mailed link points to (invitations, resets, escalations, digests, exports). */
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  PUBLIC_BASE_URL = 'http://127.0.0.1:3000';

  @IsInt()
  @Min(1_000)
  @Max(600_000)
  @Transform(toInt)
  SHUTDOWN_GRACE_MS = 25_000;

  /**
   * Signs access tokens. No default: in production it must be set, at least 32
   * bytes and not a placeholder (see `signingSecretProblems`); in development and
   * test an unset secret becomes a random one for this process.
   */
  @IsString()
  JWT_SECRET = '';

  @IsString()
  JWT_ISSUER = 'sessionledger';

  @IsString()
  JWT_AUDIENCE = 'sessionledger-api';

  @IsInt()
  @Min(30)
  @Max(900, { message: 'ACCESS_TOKEN_TTL_SECONDS must be at most 900 (15 minutes)' })
  @Transform(toInt)
  ACCESS_TOKEN_TTL_SECONDS = 900;

  @IsInt()
  @Min(300)
  @Max(90 * 24 * 3600)
  @Transform(toInt)
  REFRESH_TOKEN_TTL_SECONDS = 14 * 24 * 3600;

  /** Failed sign-ins for one account from one address before each further try there is delayed (1 s, 2 s, 4 s …); also the e-signature's allowance. */
  @IsInt()
  @Min(1)
  @Transform(toInt)
  LOGIN_MAX_FAILURES_PER_ACCOUNT = 5;

  /** Failed sign-ins for one account from all addresses after which every address is delayed from its first failure. */
  @IsInt()
  @Min(1)
  @Transform(toInt)
  LOGIN_ACCOUNT_WIDE_FAILURE_CEILING = 50;

  /** Failed sign-ins (successes never count) from one address, any account, before it is refused for the window. */
  @IsInt()
  @Min(1)
  @Transform(toInt)
  LOGIN_MAX_ATTEMPTS_PER_ADDRESS = 50;

  /** Window over which failures count, and the longest delay; held-back sign-ins lift by themselves. */
  @IsInt()
  @Min(1)
  @Max(86_400)
  @Transform(toInt)
  LOGIN_THROTTLE_WINDOW_SECONDS = 900;

  /** How long the `mfaToken` of a sign-in waiting for its second factor stays usable. */
  @IsInt()
  @Min(1)
  @Max(900)
  @Transform(toInt)
  MFA_TOKEN_TTL_SECONDS = 300;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' = 'info';

  @IsString()
  @MinLength(8)
  DEMO_PASSWORD = 'demo-password-1';

  /** Largest roster upload (the zip as sent, or the JSON form): the roster route's own body limit. */
  @IsInt()
  @Min(1024 * 1024)
  @Max(4 * 1024 * 1024 * 1024)
  @Transform(toInt)
  ROSTER_UPLOAD_MAX_BYTES = 256 * 1024 * 1024;

  /**
   * Inflated bytes one zip entry, and a whole archive, may hold: a 200,000-student
   * district's largest file is a few hundred megabytes, while a zip bomb inflates
   * a few kilobytes into gigabytes.
   */
  @IsInt()
  @Min(1024 * 1024)
  @Max(64 * 1024 * 1024 * 1024)
  @Transform(toInt)
  ROSTER_ZIP_MAX_ENTRY_BYTES = 1024 * 1024 * 1024;

  @IsInt()
  @Min(1024 * 1024)
  @Max(64 * 1024 * 1024 * 1024)
  @Transform(toInt)
  ROSTER_ZIP_MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024;

  /** Longest CSV value and line (characters) a roster file may have; the parser drops the rest of a longer one unread. */
  @IsInt()
  @Min(256)
  @Max(256 * 1024 * 1024)
  @Transform(toInt)
  ROSTER_CSV_MAX_FIELD_CHARS = 64 * 1024;

  @IsInt()
  @Min(1024)
  @Max(256 * 1024 * 1024)
  @Transform(toInt)
  ROSTER_CSV_MAX_LINE_CHARS = 1024 * 1024;

  /** Heap (MiB) of the child process each roster import runs in; past it the child dies, never the gateway. */
  @IsInt()
  @Min(16)
  @Max(64 * 1024)
  @Transform(toInt)
  ROSTER_IMPORT_MAX_HEAP_MB = 1024;

  /** Requests per minute a signed-in user may make (gateway); past it, 429 until the minute turns. */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  @Transform(toInt)
  RATE_LIMIT_USER_PER_MINUTE = 600;

  /** Requests per minute an API client (client-credentials token) may make. */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  @Transform(toInt)
  RATE_LIMIT_CLIENT_PER_MINUTE = 1200;

  /** Requests per minute from one client address without a valid token (sign-in, the token route, public pages). */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  @Transform(toInt)
  RATE_LIMIT_ANONYMOUS_PER_MINUTE = 120;

  /**
   * Comma-separated origins (`https://app.district.example`) whose pages may
   * call the API from a browser; empty (the default) turns CORS off. Checked by
   * `corsOriginProblems`.
   */
  @IsString()
  CORS_ALLOWED_ORIGINS = '';

  /** Comma-separated proxies whose X-Forwarded-For is believed; empty trusts none. */
  @IsOptional()
  @IsString()
  TRUSTED_PROXIES?: string;

  /**
   * AES-256-GCM key (32 bytes, base64) sealing districts' OpenID client secrets
   * at rest. Unset in development and test: a random key per process. Required
   * in production by the apps that name it (`loadEnvironment`'s `requires`: the
   * gateway's server); the others never read it.
   */
  @IsString()
  SSO_SECRET_KEY = '';

  /** The redirect URI registered at every district's OpenID provider: this gateway's `/api/auth/sso/callback`. */
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  SSO_REDIRECT_URI = 'http://127.0.0.1:3000/api/auth/sso/callback';

  /** Where a finished SSO sign-in sends the browser, with the one-time code in the fragment (`#sso_code=…`). */
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  SSO_APP_URL = 'http://127.0.0.1:3000/';

  /**
   * Lets webhook endpoints be plain-HTTP loopback addresses (a receiver on this
   * machine). Tests and development only: refused when NODE_ENV is production.
   */
  @IsBoolean()
  @Transform(toBoolean)
  WEBHOOK_ALLOW_LOOPBACK = false;

  /** Attempts per webhook delivery (the first one and its retries) before it is marked failed. */
  @IsInt()
  @Min(1)
  @Max(30)
  @Transform(toInt)
  WEBHOOK_MAX_ATTEMPTS = 10;

  /** Wait before the first retry of a webhook delivery; each further retry waits twice as long as the previous one. */
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  @Transform(toInt)
  WEBHOOK_RETRY_BASE_MS = 60_000;

  /** How long one webhook delivery attempt may take (connect, send, answer) before it counts as failed. */
  @IsInt()
  @Min(1000)
  @Max(30_000)
  @Transform(toInt)
  WEBHOOK_TIMEOUT_MS = 10_000;
}

export class EnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Secrets only some apps use: an app that names one (ServiceBootstrap.requires) is refused at boot without it, like JWT_SECRET. */
export type AppSecret = 'SSO_SECRET_KEY';

export function loadEnvironment(source: NodeJS.ProcessEnv = process.env, requires: readonly AppSecret[] = []): Environment {
  const known = Object.keys(new Environment());
  const relevant = Object.fromEntries(
    Object.entries(source).filter(([key]) => known.includes(key) || key === 'APP_DATABASE_PASSWORD' || key === 'TRUSTED_PROXIES' || key === 'SMTP_URL'),
  );
  const env = plainToInstance(Environment, relevant, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: false });
  const problems = errors.map((error) => `${error.property}: ${Object.values(error.constraints ?? {}).join('; ')}`);
  problems.push(...signingSecretProblems(env.JWT_SECRET, env.NODE_ENV));
  problems.push(...ssoSecretKeyProblems(env.SSO_SECRET_KEY, env.NODE_ENV, requires.includes('SSO_SECRET_KEY')));
  // A loopback webhook is a request from inside the cluster to itself: never where real districts register endpoints.
  if (env.WEBHOOK_ALLOW_LOOPBACK && env.NODE_ENV === 'production') problems.push('WEBHOOK_ALLOW_LOOPBACK: must not be true in production');
  problems.push(...corsOriginProblems(env.CORS_ALLOWED_ORIGINS, env.NODE_ENV));
  if (problems.length > 0) throw new EnvironmentError(problems);
  // Development and tests need no configured secret; tokens then live as long as the process.
  if (env.JWT_SECRET === '') env.JWT_SECRET = randomBytes(48).toString('base64url');
  return env;
}

/** Placeholders this repository has shipped, and words that mark a value as an example. */
const KNOWN_PLACEHOLDERS = [
  'development-only-secret-change-me-0123456789',
  'dev-only-jwt-secret-change-me-0123456789abcdef',
  'REPLACE-ME-example-jwt-secret-at-least-32-characters',
  'test-secret-that-is-long-enough-0123456789',
];
const PLACEHOLDER_WORDS = /change[-_ ]?me|replace[-_ ]?me|example|placeholder|dev(elopment)?[-_ ]only|secret-that-is|your[-_ ]?secret/i;
const MIN_SECRET_BYTES = 32;
const MIN_DISTINCT_CHARACTERS = 10;

/**
 * Anyone who can read this repository knows its example secrets, and a token
 * signed with one is a district admin's token. Outside development and test
 * the secret must be set, long and not recognisably a placeholder.
 */
export function signingSecretProblems(secret: string, nodeEnv: Environment['NODE_ENV']): string[] {
  const relaxed = nodeEnv === 'development' || nodeEnv === 'test';
  if (secret === '') {
    return relaxed ? [] : ['JWT_SECRET: must be set outside development and test (for example: openssl rand -base64 48)'];
  }
  if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) return [`JWT_SECRET: must be at least ${MIN_SECRET_BYTES} bytes`];
  if (relaxed) return [];
  const placeholder = KNOWN_PLACEHOLDERS.includes(secret) || PLACEHOLDER_WORDS.test(secret) || new Set(secret).size < MIN_DISTINCT_CHARACTERS;
  return placeholder ? ['JWT_SECRET: is a placeholder or example value; generate a random one (for example: openssl rand -base64 48)'] : [];
}

/**
 * The key must be exactly 32 random bytes: a shorter or patterned one would be
 * padded or guessed. Never echoes the value, even in the problem message.
 */
export function ssoSecretKeyProblems(key: string, nodeEnv: Environment['NODE_ENV'], required = false): string[] {
  const relaxed = nodeEnv === 'development' || nodeEnv === 'test';
  if (key === '') return required && !relaxed ? ['SSO_SECRET_KEY: must be set outside development and test (for example: openssl rand -base64 32)'] : [];
  const bytes = /^[A-Za-z0-9+/_-]+={0,2}$/.test(key) ? Buffer.from(key, 'base64') : Buffer.alloc(0);
  if (bytes.length !== 32) return ['SSO_SECRET_KEY: must be 32 bytes in base64 (for example: openssl rand -base64 32)'];
  if (!relaxed && new Set(bytes).size < 16) return ['SSO_SECRET_KEY: is not random; generate one (for example: openssl rand -base64 32)'];
  return [];
}

export function corsOrigins(value: string): string[] {
  return value
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
}

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/**
 * Each origin exactly as a browser sends it (scheme, host, optional port; no
 * path, no wildcard), over https; plain http only for this machine in
 * development and test.
 */
export function corsOriginProblems(value: string, nodeEnv: Environment['NODE_ENV']): string[] {
  const relaxed = nodeEnv === 'development' || nodeEnv === 'test';
  return corsOrigins(value).flatMap((origin) => {
    let url: URL | null = null;
    try {
      url = new URL(origin);
    } catch {
      url = null;
    }
    if (!url || url.origin !== origin) return [`CORS_ALLOWED_ORIGINS: ${JSON.stringify(origin)} is not an origin such as https://app.example.org (no path, no trailing slash, lower case)`];
    if (url.protocol === 'https:') return [];
    if (url.protocol === 'http:' && relaxed && LOOPBACK_HOSTS.includes(url.hostname)) return [];
    return [`CORS_ALLOWED_ORIGINS: ${JSON.stringify(origin)} must be https (http only for localhost in development and test)`];
  });
}
