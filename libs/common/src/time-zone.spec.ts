import { civilDate, dayNumber, isTimeZone, wallClockIn, zoneOffsetAt } from './time-zone';

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
