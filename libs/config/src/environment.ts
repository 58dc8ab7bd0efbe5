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
  validateSync,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);

/**
 * Every variable the platform reads. This class is the only place that knows
 * about `process.env`; boot fails listing every bad variable at once.
 */
export class Environment {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsInt()
  @Min(0)
  @Max(65535)
  @Transform(toInt)
  HTTP_PORT = 3000;

  @IsString()
  HTTP_HOST = '0.0.0.0';

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
  @Transform(({ value }) => (value === undefined ? undefined : value === true || value === 'true'))
  OUTBOX_RELAY_ENABLED = true;

  /** How often session-log looks for posted versions payroll never acknowledged and republishes them; 0 turns it off. */
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  @Transform(toInt)
  RECONCILE_INTERVAL_MS = 60_000;

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

  /** Where reminder emails go (a local relay: smtp://host:port, no auth or TLS); unset sends none. */
  @IsOptional()
  @IsUrl({ protocols: ['smtp'], require_tld: false, require_port: true })
  SMTP_URL?: string;

  /** The sender of reminder emails. */
  @IsString()
  SMTP_FROM = 'reminders@sessionledger.invalid';

  @IsInt()
  @Min(1_000)
  @Max(600_000)
  @Transform(toInt)
  SHUTDOWN_GRACE_MS = 25_000;

  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET = 'development-only-secret-change-me-0123456789';

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

  @IsInt()
  @Min(1)
  @Transform(toInt)
  LOGIN_MAX_FAILURES_PER_ACCOUNT = 5;

  @IsInt()
  @Min(1)
  @Transform(toInt)
  LOGIN_MAX_ATTEMPTS_PER_ADDRESS = 50;

  /** Window over which failures count; the lock lifts by itself when it passes. */
  @IsInt()
  @Min(1)
  @Max(86_400)
  @Transform(toInt)
  LOGIN_THROTTLE_WINDOW_SECONDS = 900;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' = 'info';

  @IsString()
  @MinLength(8)
  DEMO_PASSWORD = 'demo-password-1';

  /** Comma-separated proxies whose X-Forwarded-For is believed; empty trusts none. */
  @IsOptional()
  @IsString()
  TRUSTED_PROXIES?: string;
}

export class EnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n  - ${problems.join('\n  - ')}`);
  }
}

export function loadEnvironment(source: NodeJS.ProcessEnv = process.env): Environment {
  const known = Object.keys(new Environment());
  const relevant = Object.fromEntries(
    Object.entries(source).filter(([key]) => known.includes(key) || key === 'APP_DATABASE_PASSWORD' || key === 'TRUSTED_PROXIES' || key === 'SMTP_URL'),
  );
  const env = plainToInstance(Environment, relevant, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: false });
  if (errors.length > 0) {
    throw new EnvironmentError(
      errors.map((error) => `${error.property}: ${Object.values(error.constraints ?? {}).join('; ')}`),
    );
  }
  return env;
}
