import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from '@sessionledger/persistence';

const S = 'gateway';

/**
 * The language e-mail is written in, per account; and the single-use links
 * of invitations and password resets (only SHA-256 of the secret is kept, so
 * a copy of the database hands out no live link).
 */
export class Migration20261204120000InvitationsPasswordReset extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `ALTER TABLE ${S}.app_user ADD COLUMN language text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'es'))`,
      `CREATE TABLE ${S}.password_token (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        user_id uuid NOT NULL,
        purpose text NOT NULL CHECK (purpose IN ('invitation', 'reset')),
        secret_hash text NOT NULL,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        spent_at timestamptz,
        FOREIGN KEY (district_id, user_id) REFERENCES ${S}.app_user (district_id, id) DEFERRABLE INITIALLY DEFERRED
      )`,
      `CREATE INDEX password_token_user_idx ON ${S}.password_token (district_id, user_id) WHERE spent_at IS NULL`,
      ...tenantIsolation(`${S}.password_token`),
      // When a student or guardian row was created, so an invitation can reach everyone one roster import created
      // (its rows carry a sourced id and were created inside the import's run; existing rows get the migration's time).
      `ALTER TABLE ${S}.student ADD COLUMN created_at timestamptz NOT NULL DEFAULT now()`,
      `ALTER TABLE ${S}.guardian ADD COLUMN created_at timestamptz NOT NULL DEFAULT now()`,
      `CREATE TABLE ${S}.invitation_batch (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        roster_import_id uuid NOT NULL,
        requested_by uuid NOT NULL,
        status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
        total integer NOT NULL DEFAULT 0,
        sent integer NOT NULL DEFAULT 0,
        skipped integer NOT NULL DEFAULT 0,
        failed integer NOT NULL DEFAULT 0,
        problems jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`,
      ...tenantIsolation(`${S}.invitation_batch`),
    ];
    for (const statement of statements) this.addSql(statement);
  }
}
