import { Migration } from '@mikro-orm/migrations';

const S = 'session_log';

/**
 * How each signature was given: the signer's password, or the signing PIN of
 * an account without one (SSO sign-in only). Versions signed before PINs
 * existed were all signed with a password.
 */
export class Migration20261205010000SignatureMethod extends Migration {
  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE ${S}.session_version ADD COLUMN signature_method text NOT NULL DEFAULT 'password' CHECK (signature_method IN ('password', 'pin'))`);
  }
}
