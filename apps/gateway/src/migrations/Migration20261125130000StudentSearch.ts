import { Migration } from '@mikro-orm/migrations';

const S = 'gateway';

/**
 * Student search by the first letters of a name, accent- and case-insensitive,
 * without the unaccent extension (the migration role cannot create
 * extensions): each name's search key is stored beside it and indexed.
 *
 * The key is the name decomposed (NFD), stripped of combining marks, with the
 * Latin letters that do not decompose (ø ł đ ı) and typographic apostrophes
 * replaced, then lower-cased: "Zoé" → "zoe", "Łukasz" → "lukasz". The
 * application folds a search the same way (directory/shared/name-search.ts; a
 * test compares the two letter by letter). Changing the function means
 * recomputing the columns in a new migration.
 *
 * The columns collate "C": the keys are mostly ASCII, so byte order is
 * alphabetical whatever the database's locale, and "starts with" is a plain
 * btree range (key >= 'alv' AND key < 'alw'). Queries must use that range, not
 * LIKE: under row-level security only leakproof operators become index
 * conditions, and LIKE is not leakproof (text comparisons are).
 *
 * Adding stored columns rewrites the student table under an exclusive lock
 * (about a second per 100,000 students here); the migration Job runs before
 * the new release takes traffic.
 */
export class Migration20261125130000StudentSearch extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `CREATE FUNCTION ${S}.name_search_key(name text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        RETURN pg_catalog.lower(pg_catalog.translate(
          pg_catalog.regexp_replace(pg_catalog.normalize(name, 'NFD'), '[\\u0300-\\u036f\\u1ab0-\\u1aff\\u1dc0-\\u1dff\\u20d0-\\u20ff\\ufe20-\\ufe2f]', '', 'g'),
          'ØøŁłĐđı‘’', 'OoLlDdi'''''))`,
      `ALTER TABLE ${S}.student
        ADD COLUMN search_first text COLLATE "C" NOT NULL GENERATED ALWAYS AS (${S}.name_search_key(first_name)) STORED,
        ADD COLUMN search_last text COLLATE "C" NOT NULL GENERATED ALWAYS AS (${S}.name_search_key(last_name)) STORED`,
      // Search finds active students only. Each index holds both keys and the id, so a search (and its count) reads
      // the matches from the indexes alone and visits the table for the rows of the page only.
      `CREATE INDEX student_search_last_idx ON ${S}.student (district_id, search_last, search_first, id) WHERE active`,
      `CREATE INDEX student_search_first_idx ON ${S}.student (district_id, search_first, search_last, id) WHERE active`,
    ];
    for (const statement of statements) this.addSql(statement);
  }
}
