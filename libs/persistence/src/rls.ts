/**
 * SQL that migrations use to put a table under tenant isolation. The apps
 * connect as roles without BYPASSRLS that own nothing; FORCE makes the
 * policies bind the owner too, so the only way past them is the owner-only
 * policy that SECURITY DEFINER maintenance functions rely on.
 */
export const OWNER_ROLE = 'sessionledger_owner';

export const CURRENT_DISTRICT = `NULLIF(current_setting('app.district_id', true), '')::uuid`;

export function tenantIsolation(qualifiedTable: string): string[] {
  return [
    `ALTER TABLE ${qualifiedTable} ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${qualifiedTable} FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY tenant_isolation ON ${qualifiedTable} USING (district_id = ${CURRENT_DISTRICT}) WITH CHECK (district_id = ${CURRENT_DISTRICT})`,
    `CREATE POLICY owner_maintenance ON ${qualifiedTable} TO ${OWNER_ROLE} USING (true) WITH CHECK (true)`,
  ];
}
