const COMBINING_MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
const UNDECOMPOSED: Record<string, string> = { Ø: 'O', ø: 'o', Ł: 'L', ł: 'l', Đ: 'D', đ: 'd', ı: 'i', '‘': "'", '’': "'" };
const UNDECOMPOSED_LETTERS = new RegExp(`[${Object.keys(UNDECOMPOSED).join('')}]`, 'g');

/**
 * A name as the database's `gateway.name_search_key` folds it (see
 * Migration20261125130000StudentSearch): decomposed (NFD), combining marks
 * removed, ø ł đ ı and curly apostrophes replaced, lower-cased. "Zoé" → "zoe",
 * "MÜLLER" → "muller". The two must agree, or a search silently misses.
 */
export function nameSearchKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .replace(UNDECOMPOSED_LETTERS, (letter) => UNDECOMPOSED[letter])
    .toLowerCase();
}

/**
 * The keys that start with `from`: `from <= key < to` in code-point order
 * (byte order of UTF-8, so `COLLATE "C"`); `to` is null when no bound exists.
 */
export interface PrefixRange {
  from: string;
  to: string | null;
}

/**
 * One range per word of a name search: each word must be the first letters of
 * the first or the last name. Words that fold to nothing (a lone combining
 * mark) are dropped.
 */
export function namePrefixRanges(q: string): PrefixRange[] {
  return q
    .trim()
    .split(/\s+/)
    .map(nameSearchKey)
    .filter(Boolean)
    .map((from) => ({ from, to: prefixEnd(from) }));
}

/** The least string greater than every string that starts with `prefix`: its last code point incremented. */
export function prefixEnd(prefix: string): string | null {
  const points = Array.from(prefix, (character) => character.codePointAt(0)!);
  while (points.length > 0) {
    const last = points.pop()!;
    if (last < 0x10ffff) return String.fromCodePoint(...points, last === 0xd7ff ? 0xe000 : last + 1);
  }
  return null;
}
