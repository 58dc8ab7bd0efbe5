import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from '@sessionledger/persistence';

const S = 'payroll';

// Provider and school are gateway ids: no foreign key can cross schemas, and the school replica may lag the gateway.
// (district_id, id) is unique so that pay lines can reference a work order of their own district only.
export class Migration20261125140000WorkOrders extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `CREATE TABLE ${S}.work_order (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        type text NOT NULL CHECK (type ~ '^[a-z][a-z0-9_]{0,49}$'),
        provider_id uuid NOT NULL,
        school_id uuid NOT NULL,
        pay_rate_cents integer NOT NULL CHECK (pay_rate_cents > 0),
        valid_from date NOT NULL,
        valid_to date NOT NULL,
        description text,
        active boolean NOT NULL DEFAULT true,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid NOT NULL,
        CHECK (valid_to >= valid_from),
        UNIQUE (district_id, id)
      )`,
      `CREATE INDEX work_order_provider_idx ON ${S}.work_order (district_id, provider_id, valid_from)`,
      `CREATE INDEX work_order_school_idx ON ${S}.work_order (district_id, school_id, valid_from)`,
      ...tenantIsolation(`${S}.work_order`),
    ];
    for (const statement of statements) this.addSql(statement);
  }
}
