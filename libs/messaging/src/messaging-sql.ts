import { tenantIsolation } from '@sessionledger/persistence';

/**
 * Outbox and inbox tables of one service's schema, for its first migration.
 * The relay reaches unpublished rows of every district only through the two
 * SECURITY DEFINER functions; the app role cannot read other districts' rows.
 * Claiming with FOR UPDATE SKIP LOCKED (rather than "id above the last one
 * seen") means a row that commits after a later-numbered one is still picked
 * up, and relay replicas never publish the same row at once.
 */
export function messagingTablesSql(schema: string): string[] {
  return [
    `CREATE TABLE ${schema}.outbox_event (
      id uuid PRIMARY KEY,
      district_id uuid NOT NULL,
      name text NOT NULL,
      payload jsonb NOT NULL,
      correlation_id text,
      occurred_at timestamptz NOT NULL DEFAULT now(),
      published_at timestamptz
    )`,
    `CREATE INDEX outbox_event_unpublished_idx ON ${schema}.outbox_event (occurred_at) WHERE published_at IS NULL`,
    ...tenantIsolation(`${schema}.outbox_event`),
    `CREATE FUNCTION ${schema}.outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('outbox_${schema}', ''); RETURN NULL; END $$`,
    `CREATE TRIGGER outbox_event_notify AFTER INSERT ON ${schema}.outbox_event
      FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.outbox_notify()`,
    `CREATE FUNCTION ${schema}.outbox_claim(batch_size integer)
      RETURNS SETOF ${schema}.outbox_event LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS $$
        SELECT * FROM ${schema}.outbox_event WHERE published_at IS NULL
        ORDER BY occurred_at LIMIT batch_size FOR UPDATE SKIP LOCKED $$`,
    `CREATE FUNCTION ${schema}.outbox_mark_published(event_ids uuid[])
      RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS $$
        UPDATE ${schema}.outbox_event SET published_at = now() WHERE id = ANY(event_ids) $$`,
    `CREATE FUNCTION ${schema}.outbox_prune(older_than interval)
      RETURNS integer LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS $$
        WITH gone AS (DELETE FROM ${schema}.outbox_event WHERE published_at < now() - older_than RETURNING 1)
        SELECT count(*)::integer FROM gone $$`,
    `CREATE TABLE ${schema}.inbox_event (
      event_id uuid PRIMARY KEY,
      district_id uuid NOT NULL,
      name text NOT NULL,
      processed_at timestamptz NOT NULL DEFAULT now()
    )`,
    ...tenantIsolation(`${schema}.inbox_event`),
  ];
}
