import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from '@sessionledger/persistence';

const S = 'gateway';

/**
 * Second factors (issue 13): a TOTP authenticator per account, sealed with
 * AES-256-GCM (a copy of the database yields no secret), its single-use
 * recovery codes (SHA-256 only), the district's requirement, which factors
 * proved each sign-in family, and the signing PIN of accounts without a password.
 */
export class Migration20261205010000SecondFactor extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `CREATE TABLE ${S}.user_totp (
        user_id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        secret_sealed text,
        pending_secret_sealed text,
        last_time_step bigint,
        enrolled_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((secret_sealed IS NULL) = (enrolled_at IS NULL)),
        FOREIGN KEY (district_id, user_id) REFERENCES ${S}.app_user (district_id, id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
      )`,
      ...tenantIsolation(`${S}.user_totp`),
      `CREATE TABLE ${S}.mfa_recovery_code (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        user_id uuid NOT NULL,
        code_hash text NOT NULL CHECK (code_hash ~ '^[0-9a-f]{64}$'),
        created_at timestamptz NOT NULL DEFAULT now(),
        used_at timestamptz,
        UNIQUE (user_id, code_hash),
        FOREIGN KEY (district_id, user_id) REFERENCES ${S}.app_user (district_id, id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
      )`,
      ...tenantIsolation(`${S}.mfa_recovery_code`),
      `CREATE TABLE ${S}.district_security (
        district_id uuid PRIMARY KEY REFERENCES ${S}.district (id) DEFERRABLE INITIALLY DEFERRED,
        mfa_required boolean NOT NULL DEFAULT false,
        version integer NOT NULL DEFAULT 1,
        updated_by uuid NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      ...tenantIsolation(`${S}.district_security`),
      // Authentication methods (RFC 8176) that proved the sign-in; every token of a family carries its family's.
      `ALTER TABLE ${S}.refresh_token ADD COLUMN amr text[] NOT NULL DEFAULT '{}'`,
      `ALTER TABLE ${S}.app_user ADD COLUMN signing_pin_hash text`,
    ];
    for (const statement of statements) this.addSql(statement);
  }
}
