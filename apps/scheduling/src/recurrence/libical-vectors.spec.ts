import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expandSeries, type Occurrence } from './expand';
import { parseRecurrenceRule, RecurrenceInvalid } from './rrule';

/** The repository's shared reference data sits beside the checkout: ../shared/data from the repo root. */
const REPO_ROOT = resolve(__dirname, '../../../..');
const VECTORS = join(REPO_ROOT, '../shared/data/icalendar/libical_icalrecur_test.json');

interface Vector {
  description?: string;
  rrule: string;
  dtstart: string;
  /** The complete expansion (every case is bounded by COUNT or UNTIL), even when startAt is given. */
  instances: string[];
  /** libical START-AT: iterating from here yields the instances at or after it. */
  startAt?: string;
  expectedError?: string;
}

/** How a vector writes its times: a DATE, a floating local time, or UTC ("Z"). */
type Form = 'date' | 'floating' | 'utc';

const vectors = (JSON.parse(readFileSync(VECTORS, 'utf8')) as { cases: Vector[] }).cases;

const SUPPORTED_FREQUENCIES = ['DAILY', 'WEEKLY', 'MONTHLY'];
const UNSUPPORTED_PARTS = ['BYHOUR', 'BYMINUTE', 'BYSECOND', 'BYWEEKNO', 'BYYEARDAY'];

/** Decided from the vector alone, independently of the parser, so a parser that refuses too much fails below. */
function outsideSubset(vector: Vector): { part: string; reason: string } | undefined {
  const parts = new Map(vector.rrule.split(';').filter((part) => part !== '').map((part) => part.split('=') as [string, string]));
  const freq = parts.get('FREQ') ?? '';
  if (!SUPPORTED_FREQUENCIES.includes(freq)) return { part: `FREQ=${freq}`, reason: `FREQ=${freq} is outside the subset` };
  const unsupported = UNSUPPORTED_PARTS.find((part) => parts.has(part));
  if (unsupported) return { part: unsupported, reason: `${unsupported} is outside the subset` };
  return undefined;
}

function formOf(value: string): Form {
  if (/^\d{8}$/.test(value)) return 'date';
  return value.endsWith('Z') ? 'utc' : 'floating';
}

/** '19970902T090000' or '19970902' → '1997-09-02T09:00:00' (a DATE starts at midnight). */
function localDateTime(value: string): string {
  const [, year, month, day, hour = '00', minute = '00', second = '00'] = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?$/.exec(value)!;
  return `${year}-${month}-${day}T${hour}:${minute}:${second}`;
}

/** Compares like with like: dates by local date, floating times by wall clock, UTC times by instant. */
function written(occurrence: Occurrence, form: Form): string {
  if (form === 'date') return occurrence.localDate.replaceAll('-', '');
  if (form === 'utc') return occurrence.start.toISOString().replace(/[-:]/g, '').replace('.000', '');
  return occurrence.localStart.replace(/[-:]/g, '');
}

/** A series in `timeZone` for the vector; floating and UTC times both read as UTC wall clock, as libical does. */
function expand(vector: Vector, timeZone: string, from?: string): string[] {
  const series = { rrule: vector.rrule, dtstart: localDateTime(vector.dtstart), timeZone, durationMinutes: 30 };
  const start = from ?? vector.dtstart;
  const window = { from: new Date(`${localDateTime(start)}Z`), to: new Date('2200-01-01T00:00:00Z') };
  if (timeZone !== 'UTC') window.from = new Date(window.from.getTime() - 86_400_000);
  return expandSeries(series, window).map((occurrence) => written(occurrence, formOf(vector.dtstart)));
}

const numbered = vectors.map((vector, index) => ({ vector, name: `#${index} ${vector.description ?? '(no description)'}: ${vector.rrule}` }));
const covered = numbered.filter(({ vector }) => outsideSubset(vector) === undefined);
const skipped = numbered.filter(({ vector }) => outsideSubset(vector) !== undefined);

describe('expandSeries against libical icalrecur_test vectors (../shared/data/icalendar)', () => {
  it('reads all 146 vectors and covers at least 55 of them', () => {
    expect(vectors).toHaveLength(146);
    expect(covered.length).toBeGreaterThanOrEqual(55);
    expect(covered.length + skipped.length).toBe(146);
  });

  describe('within the subset: the full expected occurrence list', () => {
    it.each(covered)('$name', ({ vector }) => {
      expect(vector.expectedError).toBeUndefined();
      expect(expand(vector, 'UTC')).toEqual(vector.instances);
    });
  });

  describe('with START-AT: a window opening there yields the instances at or after it', () => {
    const withStart = covered.filter(({ vector }) => vector.startAt !== undefined);
    it('has START-AT vectors in the subset', () => expect(withStart.length).toBeGreaterThanOrEqual(3));
    it.each(withStart)('$name', ({ vector }) => {
      const startAt = localDateTime(vector.startAt!);
      const expected = vector.instances.filter((instance) => localDateTime(instance) >= startAt);
      expect(expected.length).toBeLessThan(vector.instances.length);
      expect(expand(vector, 'UTC', vector.startAt)).toEqual(expected);
    });
  });

  describe('the same wall-clock list in zones with DST when no UTC instant bounds the rule', () => {
    const zoneFree = covered.filter(({ vector }) => formOf(vector.dtstart) !== 'utc' && !/UNTIL=\d{8}T\d{6}Z/.test(vector.rrule));
    it('has such vectors', () => expect(zoneFree.length).toBeGreaterThanOrEqual(30));
    it.each(zoneFree)('$name', ({ vector }) => {
      expect(expand(vector, 'America/Chicago')).toEqual(vector.instances);
      expect(expand(vector, 'Australia/Lord_Howe')).toEqual(vector.instances);
    });
  });

  describe('outside the subset: refused by the parser, naming the part', () => {
    it.each(skipped.map(({ vector, name }) => ({ vector, name: `${name} — skipped: ${outsideSubset(vector)!.reason}` })))('$name', ({ vector }) => {
      const { part } = outsideSubset(vector)!;
      expect(() => parseRecurrenceRule(vector.rrule)).toThrow(RecurrenceInvalid);
      expect(() => parseRecurrenceRule(vector.rrule)).toThrow(part);
    });
  });
});
