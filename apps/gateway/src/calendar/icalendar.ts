/**
 * Just enough RFC 5545 to publish a provider's occurrences: UTC times (so no
 * VTIMEZONE is needed), TEXT escaping (§3.3.11), and lines folded at 75
 * octets without splitting a UTF-8 character (§3.1), joined with CRLF.
 */

export interface FeedEvent {
  uid: string;
  start: Date;
  end: Date;
  summary: string;
  location: string | null;
  description: string;
  cancelled: boolean;
  /** RFC 5545 §3.8.7.4: raised whenever the event changes, so calendar apps take the new version over the one they hold. */
  sequence: number;
}

const MAX_OCTETS = 75;

/**
 * TEXT (§3.3.11). Line breaks become `\n`; every other control character
 * (CONTROL in §3.1: not allowed in a value) is dropped, a tab read as a space,
 * so a pasted name cannot break the document or a client's parser.
 */
export function escapeText(value: string): string {
  return value
    .replace(/\r\n|\r/g, '\n')
    .replace(/\t/g, ' ')
    .replace(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/g, '')
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\n/g, '\\n');
}

/**
 * §3.4 requires at least one component in a calendar; a feed with no events
 * carries this UTC zone so that it is still a valid document (the events
 * themselves are in UTC and need no zone).
 */
const PLACEHOLDER_ZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:UTC',
  'BEGIN:STANDARD',
  'DTSTART:19700101T000000',
  'TZOFFSETFROM:+0000',
  'TZOFFSETTO:+0000',
  'TZNAME:UTC',
  'END:STANDARD',
  'END:VTIMEZONE',
];

/** `20261103T220000Z` */
export function utcDateTime(instant: Date): string {
  return `${instant.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;
}

/** Splits a content line into lines of at most 75 octets; each continuation starts with one space (which counts). */
export function fold(line: string): string {
  const lines: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    if (octets + size > MAX_OCTETS) {
      lines.push(current);
      current = ' ';
      octets = 1;
    }
    current += char;
    octets += size;
  }
  lines.push(current);
  return lines.join('\r\n');
}

export function calendarDocument(events: FeedEvent[], options: { name: string; now: Date }): string {
  const stamp = utcDateTime(options.now);
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Sessionledger//Provider calendar//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(options.name)}`,
  ];
  for (const event of events) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${event.uid}`,
      `DTSTAMP:${stamp}`,
      `DTSTART:${utcDateTime(event.start)}`,
      `DTEND:${utcDateTime(event.end)}`,
      `SEQUENCE:${event.sequence}`,
      `SUMMARY:${escapeText(event.summary)}`,
      ...(event.location ? [`LOCATION:${escapeText(event.location)}`] : []),
      `DESCRIPTION:${escapeText(event.description)}`,
      `STATUS:${event.cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
      'TRANSP:OPAQUE',
      'END:VEVENT',
    );
  }
  if (!events.length) lines.push(...PLACEHOLDER_ZONE);
  lines.push('END:VCALENDAR');
  return lines.map(fold).join('\r\n') + '\r\n';
}
