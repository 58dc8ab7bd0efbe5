import { Migration } from '@mikro-orm/migrations';

const S = 'payroll';

/**
 * `updated_at` on work orders, for `GET /api/work-orders?updatedSince=`:
 * stamped by the table on insert and on every real change, whoever writes.
 * A new dated rate is a change of its work order (its reply lists the rates),
 * even when the newest rate, and so the row, stays the same.
 */
export class Migration20261205050000WorkOrderUpdatedAt extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `CREATE FUNCTION ${S}.stamp_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'INSERT' OR NEW IS DISTINCT FROM OLD THEN NEW.updated_at := now(); END IF;
          RETURN NEW;
        END $$`,
      `ALTER TABLE ${S}.work_order ADD COLUMN updated_at timestamptz`,
      `UPDATE ${S}.work_order SET updated_at = GREATEST(created_at, COALESCE(deactivated_at, created_at))`,
      `ALTER TABLE ${S}.work_order ALTER COLUMN updated_at SET DEFAULT now(), ALTER COLUMN updated_at SET NOT NULL`,
      `CREATE INDEX work_order_updated_at_idx ON ${S}.work_order (district_id, updated_at, id)`,
      `CREATE TRIGGER work_order_stamp_updated_at BEFORE INSERT OR UPDATE ON ${S}.work_order
        FOR EACH ROW EXECUTE FUNCTION ${S}.stamp_updated_at()`,
      `CREATE FUNCTION ${S}.work_order_rate_touch_order() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          UPDATE ${S}.work_order SET updated_at = now()
            WHERE id = (CASE WHEN TG_OP = 'DELETE' THEN OLD.work_order_id ELSE NEW.work_order_id END) AND updated_at <> now();
          RETURN NULL;
        END $$`,
      `CREATE TRIGGER work_order_rate_touch_order AFTER INSERT OR UPDATE OR DELETE ON ${S}.work_order_rate
        FOR EACH ROW EXECUTE FUNCTION ${S}.work_order_rate_touch_order()`,
    ];
    for (const statement of statements) this.addSql(statement);
  }
}
