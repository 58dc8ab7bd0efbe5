import { namePrefixRanges, nameSearchKey, prefixEnd } from './name-search';

describe('name search keys', () => {
  it('folds accents, case and the letters that do not decompose', () => {
    expect(['Zoé', 'CHLOÉ', 'Álvarez', 'MÜLLER', 'Øyvind', 'Łukasz', 'Đorđe', 'Işık', 'İlhan', 'Nguyễn', 'O’Brien'].map(nameSearchKey)).toEqual([
      'zoe',
      'chloe',
      'alvarez',
      'muller',
      'oyvind',
      'lukasz',
      'dorde',
      'isik',
      'ilhan',
      'nguyen',
      "o'brien",
    ]);
    expect(nameSearchKey('Zoe\u0301')).toBe(nameSearchKey('Zoé'));
  });

  it('makes one range per word, each covering exactly the keys that start with it', () => {
    expect(namePrefixRanges('  Zoé   MU ')).toEqual([
      { from: 'zoe', to: 'zof' },
      { from: 'mu', to: 'mv' },
    ]);
    expect(namePrefixRanges('\u0301')).toEqual([]);
    const [range] = namePrefixRanges('ma_');
    const inside = (key: string) => key >= range.from && key < range.to!;
    expect(['ma_', 'ma_ya', 'ma_\u{10ffff}'].every(inside)).toBe(true);
    expect(['ma', 'maya', 'ma`', 'mb'].some(inside)).toBe(false);
  });

  it('ends a prefix range past the surrogates and beyond the last code point', () => {
    expect(prefixEnd('a\ud7ff')).toBe('a\ue000');
    expect(prefixEnd('a\u{1f600}')).toBe('a\u{1f601}');
    expect(prefixEnd('a\u{10ffff}')).toBe('b');
    expect(prefixEnd('\u{10ffff}\u{10ffff}')).toBeNull();
  });
});
