import { Temporal } from 'temporal-polyfill';
import { civilDate, dayNumber, instantOfWallClock, isTimeZone, localDateIn, wallClockIn, zoneOffsetAt } from './time-zone';

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall clock as Intl shows it, the reference the remembered offsets must reproduce. */
function intlWallClock(epochMs: number, timeZone: string) {
  const fields: Record<string, string> = {};
  const formatter = formatters.get(timeZone) ?? new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    era: 'short',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  formatters.set(timeZone, formatter);
  for (const part of formatter.formatToParts(epochMs)) fields[part.type] = part.value;
  const yearOfEra = Number(fields.year);
  return {
    year: fields.era === 'BC' ? 1 - yearOfEra : yearOfEra,
    month: Number(fields.month),
    day: Number(fields.day),
    hour: Number(fields.hour),
    minute: Number(fields.minute),
    second: Number(fields.second),
  };
}

describe('time zone offsets', () => {
  it('shows the wall clock Intl shows, second by second around each change and every 53 minutes through a year', () => {
    const mismatches: string[] = [];
    const check = (at: number, timeZone: string) => {
      const [ours, intl] = [JSON.stringify(wallClockIn(at, timeZone)), JSON.stringify(intlWallClock(at, timeZone))];
      if (ours !== intl) mismatches.push(`${timeZone} ${at}: ${ours} vs ${intl}`);
    };
    for (const timeZone of ['America/Chicago', 'Europe/Berlin', 'Australia/Lord_Howe', 'America/St_Johns', 'Asia/Kolkata', 'Pacific/Apia']) {
      for (let at = Date.UTC(2026, 0, 1); at < Date.UTC(2027, 0, 1); at += 53 * 60_000 + 1_500) check(at, timeZone);
    }
    // Chicago's changes of 2026 (08:00 UTC on 8 March, 07:00 UTC on 1 November), each half second of the minutes around them.
    for (const change of [Date.UTC(2026, 2, 8, 8), Date.UTC(2026, 10, 1, 7)]) {
      for (let at = change - 90_000; at < change + 90_000; at += 500) check(at, 'America/Chicago');
    }
    expect(mismatches).toEqual([]);
  });

  it('keeps the seconds of local mean time and the proleptic calendar of distant years', () => {
    for (const at of [Date.UTC(1883, 10, 18, 17, 59, 59), Date.UTC(1883, 10, 18, 18), Date.UTC(1800, 0, 1), Date.UTC(-50, 5, 1, 12), Date.UTC(1582, 9, 10)]) {
      expect(wallClockIn(at, 'America/Chicago')).toEqual(intlWallClock(at, 'America/Chicago'));
    }
    expect(zoneOffsetAt(Date.UTC(1800, 0, 1), 'America/Chicago')).toBe(-(5 * 3600 + 50 * 60 + 36) * 1000);
  });

  it('numbers days from 1970-01-01 both ways and refuses names that are not zones', () => {
    for (const day of [-719_468, -1, 0, 20_513, 2_932_896]) {
      const { year, month, day: dayOfMonth } = civilDate(day);
      expect(dayNumber(year, month, dayOfMonth)).toBe(day);
    }
    expect(isTimeZone('America/Chicago')).toBe(true);
    expect(isTimeZone('America/Springfield')).toBe(false);
  });
});

/**
 * Every zone a US district may keep its clock in, against Temporal (the
 * polyfill, a test-only reference): both directions, every quarter hour of
 * the days the clocks change in 2026 and 2027, the skipped and repeated hours
 * included. Scheduling, state reporting and the session rules all read time
 * through this module, so they agree with each other by agreeing with it.
 */
describe('agreement with Temporal across daylight-saving changes in every US zone', () => {
  const US_ZONES = [
    'America/New_York',
    'America/Detroit',
    'America/Indiana/Indianapolis',
    'America/Kentucky/Louisville',
    'America/Chicago',
    'America/Indiana/Knox',
    'America/North_Dakota/Center',
    'America/Denver',
    'America/Boise',
    'America/Phoenix',
    'America/Los_Angeles',
    'America/Anchorage',
    'America/Adak',
    'Pacific/Honolulu',
    'America/Puerto_Rico',
    'Pacific/Guam',
    'Pacific/Pago_Pago',
    'UTC',
  ];
  const CHANGE_DAYS = ['2026-03-08', '2026-11-01', '2027-03-14', '2027-11-07'];
  const QUARTER_HOURS = Array.from({ length: 96 }, (_, i) => ({ hour: Math.floor(i / 4), minute: (i % 4) * 15 }));

  it.each(US_ZONES)('%s: wall clock → instant ("compatible") and instant → wall clock', (zone) => {
    let compared = 0;
    for (const date of CHANGE_DAYS) {
      const [year, month, day] = date.split('-').map(Number);
      for (const { hour, minute } of QUARTER_HOURS) {
        const wall = { year, month, day, hour, minute, second: 0 };
        const expected = Temporal.PlainDateTime.from(wall).toZonedDateTime(zone, { disambiguation: 'compatible' }).epochMilliseconds;
        expect({ zone, wall, instant: instantOfWallClock(wall, zone) }).toEqual({ zone, wall, instant: expected });

        const instant = Date.UTC(year, month - 1, day, hour, minute);
        const seen = Temporal.Instant.fromEpochMilliseconds(instant).toZonedDateTimeISO(zone);
        expect(wallClockIn(instant, zone)).toEqual({ year: seen.year, month: seen.month, day: seen.day, hour: seen.hour, minute: seen.minute, second: seen.second });
        expect(localDateIn(instant, zone)).toBe(seen.toPlainDate().toString());
        compared += 1;
      }
    }
    expect(compared).toBe(CHANGE_DAYS.length * 96);
  });

  it('reads the skipped hour forward and the repeated hour as its first occurrence (America/Chicago)', () => {
    const chicago = (text: string) => new Date(instantOfWallClock(wallOf(text), 'America/Chicago')).toISOString();
    expect(chicago('2026-03-08T02:30')).toBe('2026-03-08T08:30:00.000Z'); // shown as 03:30 CDT
    expect(chicago('2026-11-01T01:30')).toBe('2026-11-01T06:30:00.000Z'); // the first 01:30, still CDT
  });
});

function wallOf(text: string) {
  const [date, time] = text.split('T');
  const [year, month, day] = date.split('-').map(Number);
  const [hour, minute] = time.split(':').map(Number);
  return { year, month, day, hour, minute, second: 0 };
}
