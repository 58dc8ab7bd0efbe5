import { Migration } from '@mikro-orm/migrations';

const S = 'state_reporting';

/*
 * csv_cell as one expression, so PostgreSQL inlines it into the export's
 * query. The first version (a SELECT … FROM subquery) could not be inlined:
 * every call took the slow path for SQL functions, ~8 µs, 22 per record —
 * 71 % of a 1M-record export (bench/state-export). Same output: a cell that
 * starts with = + - @ TAB or CR gets a leading ' (the characters that make a
 * spreadsheet read a formula); a cell holding " , CR or LF is quoted, with "
 * doubled. The leading ' adds none of those, so the test runs on the value.
 */
export class Migration20261125211000InlineCsvCell extends Migration {
  override async up(): Promise<void> {
    this.addSql(`CREATE OR REPLACE FUNCTION ${S}.csv_cell(value text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT CASE
        WHEN value IS NULL THEN ''
        WHEN strpos(value, '"') > 0 OR strpos(value, ',') > 0 OR strpos(value, chr(10)) > 0 OR strpos(value, chr(13)) > 0
          THEN '"' || replace(CASE WHEN left(value, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' || value ELSE value END, '"', '""') || '"'
        ELSE CASE WHEN left(value, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' || value ELSE value END
      END
    $$`);
  }
}
