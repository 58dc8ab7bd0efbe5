/**
 * A strict reader of RFC 5545 documents for tests (no iCalendar parser is
 * installed). It refuses what a lenient client would forgive: bare LF or CR,
 * a physical line over 75 octets, a missing final CRLF, a malformed content
 * line, unbalanced BEGIN/END, a TEXT value with an unescaped `,` `;` or `\`
 * or a bad escape, a malformed DATE-TIME, a VCALENDAR with no component, a
 * bad SEQUENCE, and VCALENDAR/VEVENT without their required properties.
 */

export interface ICalProperty {
  name: string;
  params: Record<string, string[]>;
  value: string;
}

export interface ICalComponent {
  name: string;
  properties: ICalProperty[];
  components: ICalComponent[];
}

const NAME = /^(?:[A-Za-z0-9-]+)$/;
/** Properties whose value type is TEXT among those the feed uses (§3.8.1.5, .7, .12, §3.7.x X-WR-CALNAME by convention). */
const TEXT_PROPERTIES = new Set(['SUMMARY', 'DESCRIPTION', 'LOCATION', 'COMMENT', 'X-WR-CALNAME']);
const DATE_TIME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$/;

export class ICalError extends Error {}

function fail(message: string): never {
  throw new ICalError(message);
}

/** §3.1: unfold (CRLF followed by one space or tab), after checking every physical line. */
export function unfold(document: string): string[] {
  if (!document.endsWith('\r\n')) fail('the document does not end with CRLF');
  const physical = document.slice(0, -2).split('\r\n');
  const logical: string[] = [];
  physical.forEach((line, index) => {
    if (/[\r\n]/.test(line)) fail(`line ${index + 1} holds a bare CR or LF`);
    if (Buffer.byteLength(line, 'utf8') > 75) fail(`line ${index + 1} is ${Buffer.byteLength(line, 'utf8')} octets long (at most 75)`);
    if (line === '') fail(`line ${index + 1} is empty`);
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (!logical.length) fail('the document starts with a continuation line');
      logical[logical.length - 1] += line.slice(1);
    } else logical.push(line);
  });
  return logical;
}

/** §3.1 contentline = name *(";" param) ":" value, with quoted parameter values. */
export function parseContentLine(line: string): ICalProperty {
  let at = 0;
  const token = (): string => {
    const start = at;
    while (at < line.length && /[A-Za-z0-9-]/.test(line[at])) at++;
    const found = line.slice(start, at);
    if (!NAME.test(found)) fail(`bad name at ${start} in "${line}"`);
    return found;
  };
  const name = token().toUpperCase();
  const params: Record<string, string[]> = {};
  while (line[at] === ';') {
    at++;
    const param = token().toUpperCase();
    if (line[at++] !== '=') fail(`parameter ${param} has no "=" in "${line}"`);
    const values: string[] = [];
    for (;;) {
      if (line[at] === '"') {
        const end = line.indexOf('"', at + 1);
        if (end < 0) fail(`unterminated quoted parameter value in "${line}"`);
        values.push(line.slice(at + 1, end));
        at = end + 1;
      } else {
        const start = at;
        while (at < line.length && !'";:,'.includes(line[at])) at++;
        values.push(line.slice(start, at));
      }
      if (line[at] !== ',') break;
      at++;
    }
    params[param] = values;
  }
  if (line[at] !== ':') fail(`no ":" after the name and parameters in "${line}"`);
  const value = line.slice(at + 1);
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) fail(`control character in the value of ${name}`);
  return { name, params, value };
}

/** §3.3.11 TEXT: only \\ \; \, \n \N escapes; `,` `;` `\` never bare. */
export function unescapeText(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    if (char === '\\') {
      const next = value[++i];
      if (next === 'n' || next === 'N') out += '\n';
      else if (next === '\\' || next === ';' || next === ',') out += next;
      else fail(`bad escape "\\${next ?? ''}" in "${value}"`);
    } else if (char === ',' || char === ';') fail(`unescaped "${char}" in TEXT "${value}"`);
    else out += char;
  }
  return out;
}

/** §3.3.5 DATE-TIME (form 1 or 2; this reader accepts no TZID). */
export function parseDateTime(value: string): Date {
  const match = DATE_TIME.exec(value);
  if (!match) fail(`"${value}" is not a DATE-TIME`);
  const [, y, mo, d, h, mi, s, utc] = match;
  if (!utc) fail(`"${value}" is floating; the feed uses UTC`);
  const instant = new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi, +s));
  if (instant.getUTCMonth() !== +mo - 1 || instant.getUTCDate() !== +d || +h > 23 || +mi > 59 || +s > 60) fail(`"${value}" is not a valid date-time`);
  return instant;
}

export function parseICalendar(document: string): ICalComponent {
  const root: ICalComponent = { name: '', properties: [], components: [] };
  const stack: ICalComponent[] = [root];
  for (const line of unfold(document)) {
    const property = parseContentLine(line);
    const current = stack[stack.length - 1];
    if (property.name === 'BEGIN') {
      const component: ICalComponent = { name: property.value.toUpperCase(), properties: [], components: [] };
      current.components.push(component);
      stack.push(component);
    } else if (property.name === 'END') {
      if (stack.length === 1 || current.name !== property.value.toUpperCase()) fail(`END:${property.value} does not close ${current.name || 'anything'}`);
      stack.pop();
    } else {
      if (stack.length === 1) fail(`${property.name} outside any component`);
      if (TEXT_PROPERTIES.has(property.name)) unescapeText(property.value);
      current.properties.push(property);
    }
  }
  if (stack.length !== 1) fail(`${stack[stack.length - 1].name} is not closed`);
  if (root.components.length !== 1 || root.components[0].name !== 'VCALENDAR') fail('the document is not one VCALENDAR');
  const calendar = root.components[0];
  if (only(calendar, 'VERSION') !== '2.0') fail('VERSION must be 2.0');
  only(calendar, 'PRODID');
  // §3.4: icalbody = calprops component, and component = 1*(...): a calendar with no component at all is not one.
  if (!calendar.components.length) fail('VCALENDAR holds no component (at least one is required)');
  const uids = new Set<string>();
  for (const event of calendar.components.filter((c) => c.name === 'VEVENT')) {
    const uid = only(event, 'UID');
    if (uids.has(uid)) fail(`UID ${uid} appears twice`);
    uids.add(uid);
    parseDateTime(only(event, 'DTSTAMP'));
    const start = parseDateTime(only(event, 'DTSTART'));
    const ends = event.properties.filter((p) => p.name === 'DTEND' || p.name === 'DURATION');
    if (ends.length > 1) fail(`VEVENT ${uid} has both DTEND and DURATION, or either twice`);
    if (ends[0]?.name === 'DTEND' && parseDateTime(ends[0].value) <= start) fail(`VEVENT ${uid} ends before it starts`);
    const sequence = event.properties.filter((p) => p.name === 'SEQUENCE');
    if (sequence.length > 1 || (sequence.length && !/^\d+$/.test(sequence[0].value))) fail(`VEVENT ${uid} has a bad or repeated SEQUENCE`);
    for (const once of ['SUMMARY', 'LOCATION', 'DESCRIPTION', 'STATUS', 'TRANSP']) {
      if (event.properties.filter((p) => p.name === once).length > 1) fail(`VEVENT ${uid} has ${once} twice`);
    }
    const status = event.properties.find((p) => p.name === 'STATUS')?.value;
    if (status !== undefined && !['TENTATIVE', 'CONFIRMED', 'CANCELLED'].includes(status)) fail(`VEVENT ${uid} has STATUS ${status}`);
  }
  return calendar;
}

/** The value of a property that must appear exactly once. */
export function only(component: ICalComponent, name: string): string {
  const found = component.properties.filter((p) => p.name === name);
  if (found.length !== 1) fail(`${component.name} has ${found.length} ${name} properties (exactly one required)`);
  return found[0].value;
}

/** A TEXT property's value, unescaped, or undefined. */
export function text(component: ICalComponent, name: string): string | undefined {
  const found = component.properties.find((p) => p.name === name);
  return found ? unescapeText(found.value) : undefined;
}
