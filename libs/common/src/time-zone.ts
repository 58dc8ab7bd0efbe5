/**
 * UTC offsets of IANA zones, read from Intl once per zone and UTC hour and
 * then from memory. `formatToParts` costs tens of microseconds a call; a
 * month's calendar asks for an offset several times per occurrence, always of
 * the same few hundred hours.
 */

const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;
/** Hours remembered per zone before the memory is dropped: years of windows, a few MB. */
const MAX_HOURS_PER_ZONE = 200_000;

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/**
 * The offset over one UTC hour. Intl answers to the second, so the change
 * inside an hour (if any) is the first whole second showing the later offset;
 * no zone changes its offset twice within an hour.
 */
interface HourOffsets {
  before: number;
  after: number;
  changeAt: number;
}

class ZoneOffsets {
  private readonly hours = new Map<number, HourOffsets>();

  constructor(private readonly formatter: Intl.DateTimeFormat) {}

  /** The offset in force at the whole second holding `epochMs`, in ms (positive east of Greenwich). */
  at(epochMs: number): number {
    const wholeSecond = Math.floor(epochMs / 1000) * 1000;
    const hour = Math.floor(wholeSecond / MS_PER_HOUR);
    const known = this.hours.get(hour) ?? this.learn(hour);
    return wholeSecond < known.changeAt ? known.before : known.after;
  }

  private learn(hour: number): HourOffsets {
    const start = hour * MS_PER_HOUR;
    const end = start + MS_PER_HOUR;
    const before = this.read(start);
    const after = this.read(end);
    let changeAt = end;
    if (after !== before) {
      // Invariant: `low` shows `before`, `changeAt` does not.
      let low = start;
      while (changeAt - low > 1000) {
        const middle = low + Math.floor((changeAt - low) / 2000) * 1000;
        if (this.read(middle) === before) low = middle;
        else changeAt = middle;
      }
    }
    if (this.hours.size >= MAX_HOURS_PER_ZONE) this.hours.clear();
    const known = { before, after, changeAt };
    this.hours.set(hour, known);
    return known;
  }

  /** Intl's wall clock at a whole second, read as if it were UTC, less that second. */
  private read(wholeSecond: number): number {
    const fields: Record<string, string> = {};
    for (const part of this.formatter.formatToParts(wholeSecond)) fields[part.type] = part.value;
    const yearOfEra = Number(fields.year);
    const year = fields.era === 'BC' ? 1 - yearOfEra : yearOfEra;
    const days = dayNumber(year, Number(fields.month), Number(fields.day));
    return days * MS_PER_DAY + ((Number(fields.hour) * 60 + Number(fields.minute)) * 60 + Number(fields.second)) * 1000 - wholeSecond;
  }
}

const zones = new Map<string, ZoneOffsets>();

function offsetsOf(timeZone: string): ZoneOffsets {
  let offsets = zones.get(timeZone);
  if (!offsets) {
    // Throws a RangeError for a name that is not a zone; nothing is remembered then.
    const formatter = new Intl.DateTimeFormat('en-US', {
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
    offsets = new ZoneOffsets(formatter);
    zones.set(timeZone, offsets);
  }
  return offsets;
}

export function isTimeZone(timeZone: string): boolean {
  try {
    offsetsOf(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** How far `timeZone`'s wall clock is ahead of UTC at the whole second holding `epochMs`, in ms. */
export function zoneOffsetAt(epochMs: number, timeZone: string): number {
  return offsetsOf(timeZone).at(epochMs);
}

/** The wall clock in `timeZone` at the whole second holding `epochMs` (proleptic Gregorian, as Intl shows it). */
export function wallClockIn(epochMs: number, timeZone: string): WallClock {
  const wholeSecond = Math.floor(epochMs / 1000) * 1000;
  const reading = wholeSecond + offsetsOf(timeZone).at(wholeSecond);
  const days = Math.floor(reading / MS_PER_DAY);
  const secondOfDay = (reading - days * MS_PER_DAY) / 1000;
  const { year, month, day } = civilDate(days);
  return { year, month, day, hour: Math.floor(secondOfDay / 3600), minute: Math.floor(secondOfDay / 60) % 60, second: secondOfDay % 60 };
}

/**
 * The instant (epoch ms) a wall-clock time names in `timeZone`, by the rule
 * Temporal calls `disambiguation: 'compatible'` (and RFC 5545 §3.3.5): a time
 * that occurs twice (clocks falling back) is the first, earlier one; a time
 * the clocks skip (springing forward) is read with the offset in force before
 * the gap, so 02:30 on a spring-forward night in America/Chicago is 03:30.
 */
export function instantOfWallClock(wall: WallClock, timeZone: string): number {
  const reading = dayNumber(wall.year, wall.month, wall.day) * MS_PER_DAY + ((wall.hour * 60 + wall.minute) * 60 + wall.second) * 1000;
  const offsets = offsetsOf(timeZone);
  // Offsets stay within ±14 h, so a day either side lies before and after any transition that concerns this time.
  const offsetBefore = offsets.at(reading - MS_PER_DAY);
  const offsetAfter = offsets.at(reading + MS_PER_DAY);
  const early = reading - Math.max(offsetBefore, offsetAfter);
  const late = reading - Math.min(offsetBefore, offsetAfter);
  if (offsets.at(early) === reading - early) return early;
  if (offsets.at(late) === reading - late) return late;
  return reading - offsetBefore;
}

/** The local date (`YYYY-MM-DD`) in `timeZone` at `epochMs`. */
export function localDateIn(epochMs: number, timeZone: string): string {
  const { year, month, day } = wallClockIn(epochMs, timeZone);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Howard Hinnant's days_from_civil: days since 1970-01-01, exact for every Gregorian date, no Date quirks for years below 100. */
export function dayNumber(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

export function civilDate(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}
