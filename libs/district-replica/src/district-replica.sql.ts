import { tenantIsolation } from '@sessionledger/persistence';

export function districtReplicaSql(schema: string): string[] {
  return [
    `CREATE TABLE ${schema}.district_replica (
      district_id uuid PRIMARY KEY,
      name text NOT NULL,
      time_zone text NOT NULL,
      version integer NOT NULL,
      settings jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    ...tenantIsolation(`${schema}.district_replica`),
    `CREATE TABLE ${schema}.school_replica (
      id uuid PRIMARY KEY,
      district_id uuid NOT NULL,
      name text NOT NULL,
      state_school_code text NOT NULL,
      active boolean NOT NULL,
      version integer NOT NULL
    )`,
    `CREATE INDEX school_replica_district_idx ON ${schema}.school_replica (district_id)`,
    ...tenantIsolation(`${schema}.school_replica`),
  ];
}
