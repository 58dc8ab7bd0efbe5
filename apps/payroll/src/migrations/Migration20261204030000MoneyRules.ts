import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from '@sessionledger/persistence';

const S = 'payroll';
const DEFERRED = 'DEFERRABLE INITIALLY DEFERRED';

/**
 * Settled money moves only for a money reason:
 * - a work order's rates are dated, so a session keeps the rate in force on its date;
 * - a deactivation is dated, so work done before it stays covered;
 * - a decision keeps the money basis of its version, so an amendment that changes
 *   none of it (a typo fix) writes no line;
 * - a student's units are counted on their day with the provider: a billable
 *   `adjustment` line (no minutes, units ±) brings the day to the units of its total;
 * - the payroll export names each provider by their employee number (`payee`);
 * - the billing export writes the district's billing and rendering provider NPIs.
 * Work orders deactivated before this migration get today as their deactivation
 * time: when they were deactivated was never recorded, and the earlier reading
 * (deactivated = never covered) is what took back settled pay.
 */
export class Migration20261204030000MoneyRules extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `CREATE TABLE ${S}.work_order_rate (
        district_id uuid NOT NULL,
        work_order_id uuid NOT NULL,
        effective_from date NOT NULL,
        pay_rate_cents integer NOT NULL CHECK (pay_rate_cents > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid NOT NULL,
        PRIMARY KEY (district_id, work_order_id, effective_from),
        FOREIGN KEY (district_id, work_order_id) REFERENCES ${S}.work_order (district_id, id) ${DEFERRED}
      )`,
      ...tenantIsolation(`${S}.work_order_rate`),
      `INSERT INTO ${S}.work_order_rate (district_id, work_order_id, effective_from, pay_rate_cents, created_at, created_by)
         SELECT district_id, id, valid_from, pay_rate_cents, created_at, created_by FROM ${S}.work_order`,

      `ALTER TABLE ${S}.work_order ADD COLUMN deactivated_at timestamptz`,
      `UPDATE ${S}.work_order SET deactivated_at = now() WHERE NOT active`,
      `ALTER TABLE ${S}.work_order ADD CONSTRAINT work_order_deactivated_check CHECK (active = (deactivated_at IS NULL))`,

      `ALTER TABLE ${S}.pay_decision ADD COLUMN money_basis text`,

      `ALTER TABLE ${S}.billable_line ADD COLUMN place_of_service text CHECK (place_of_service ~ '^[0-9]{2}$')`,
      `ALTER TABLE ${S}.billable_line DROP CONSTRAINT billable_line_kind_check`,
      `ALTER TABLE ${S}.billable_line DROP CONSTRAINT billable_line_check`,
      `ALTER TABLE ${S}.billable_line ADD CONSTRAINT billable_line_kind_check CHECK (kind IN ('charge', 'reversal', 'adjustment'))`,
      `ALTER TABLE ${S}.billable_line ADD CONSTRAINT billable_line_check CHECK (
            (kind = 'charge' AND minutes >= 0 AND units >= 0 AND reverses_line_id IS NULL)
         OR (kind = 'reversal' AND minutes <= 0 AND units <= 0 AND reverses_line_id IS NOT NULL)
         OR (kind = 'adjustment' AND minutes = 0 AND units <> 0 AND reverses_line_id IS NULL))`,
      // A provider's number in the district's payroll system (payroll does not know users; the gateway checked the provider).
      `CREATE TABLE ${S}.payee (
        district_id uuid NOT NULL,
        provider_id uuid NOT NULL,
        employee_number text NOT NULL CHECK (length(employee_number) BETWEEN 1 AND 50),
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by uuid NOT NULL,
        PRIMARY KEY (district_id, provider_id)
      )`,
      ...tenantIsolation(`${S}.payee`),

      // The 837P's billing (LEA) and rendering provider ids, which the billing export writes on every line.
      `ALTER TABLE ${S}.pay_settings ADD COLUMN billing_provider_npi text CHECK (billing_provider_npi ~ '^[0-9]{10}$')`,
      `ALTER TABLE ${S}.pay_settings ADD COLUMN rendering_provider_npi text CHECK (rendering_provider_npi ~ '^[0-9]{10}$')`,

      `CREATE INDEX billable_line_student_day_idx ON ${S}.billable_line (district_id, student_id, session_date)`,
    ];
    for (const statement of statements) this.addSql(statement);
  }
}
