import { calendarDocument, escapeText, fold } from './icalendar';

describe('iCalendar writing (RFC 5545)', () => {
  it('escapes backslash, semicolon, comma and newlines in TEXT, in that order', () => {
    expect(escapeText('a\\b;c,d\r\ne\nf')).toBe('a\\\\b\\;c\\,d\\ne\\nf');
  });

  it('drops control characters (a tab reads as a space), which RFC 5545 allows in no value', () => {
    expect(escapeText('Room\u00074\tB\u0000\u001b[31m\u007f\u0085')).toBe('Room4 B[31m');
  });

  it('keeps a calendar with no events valid: one component (a UTC zone), no VEVENT', () => {
    const lines = calendarDocument([], { name: 'Cal', now: new Date('2026-11-01T00:00:00Z') }).split('\r\n');
    expect(lines.slice(0, 3)).toEqual(['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Sessionledger//Provider calendar//EN']);
    expect(lines).toEqual(expect.arrayContaining(['BEGIN:VTIMEZONE', 'END:VTIMEZONE', 'END:VCALENDAR']));
    expect(lines).not.toContain('BEGIN:VEVENT');
  });

  it('folds at 75 octets, each continuation starting with one space that counts', () => {
    const folded = fold(`DESCRIPTION:${'x'.repeat(200)}`).split('\r\n');
    expect(folded.map((line) => Buffer.byteLength(line))).toEqual([75, 75, 64]);
    expect(folded.slice(1).every((line) => line.startsWith(' '))).toBe(true);
    expect(folded.map((line, i) => (i ? line.slice(1) : line)).join('')).toBe(`DESCRIPTION:${'x'.repeat(200)}`);
  });

  it('never splits a UTF-8 character across lines', () => {
    const line = `LOCATION:${'a'.repeat(65)}ñé€😀`;
    const folded = fold(line).split('\r\n');
    expect(folded.every((part) => Buffer.byteLength(part) <= 75)).toBe(true);
    expect(folded[0]).toBe(`LOCATION:${'a'.repeat(65)}`);
    expect(folded.map((part, i) => (i ? part.slice(1) : part)).join('')).toBe(line);
  });

  it('writes a calendar with CRLF endings and a cancelled event', () => {
    const document = calendarDocument(
      [{ uid: 'u1@x', start: new Date('2026-11-03T22:00:00Z'), end: new Date('2026-11-03T23:00:00Z'), summary: 'Tutoring', location: null, description: '1 student.', cancelled: true, sequence: 2 }],
      { name: 'Cal', now: new Date('2026-11-01T00:00:00Z') },
    );
    expect(document.endsWith('\r\n')).toBe(true);
    expect(document.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(document.split('\r\n')).toEqual(
      expect.arrayContaining(['DTSTAMP:20261101T000000Z', 'DTSTART:20261103T220000Z', 'DTEND:20261103T230000Z', 'SEQUENCE:2', 'STATUS:CANCELLED']),
    );
    expect(document).not.toContain('LOCATION');
  });
});
