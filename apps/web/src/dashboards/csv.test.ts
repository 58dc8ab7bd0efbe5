import { describe, expect, it } from 'vitest';
import { buildCsv, csvCell, csvFilename } from './csv';

describe('buildCsv', () => {
  it('writes a header and one CRLF-ended line per row, numbers as they are and an empty cell for null', () => {
    expect(buildCsv({ head: ['Provider', 'Minutes'], rows: [['Pia Tutor', 90], ['Quinn', null]] })).toBe('Provider,Minutes\r\nPia Tutor,90\r\nQuinn,\r\n');
  });

  it('quotes a cell holding a comma, a quote or a line break, doubling the quotes inside', () => {
    expect(csvCell('Lincoln, Elementary')).toBe('"Lincoln, Elementary"');
    expect(csvCell('The "Tigers" group')).toBe('"The ""Tigers"" group"');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('plain')).toBe('plain');
  });

  it('keeps text a spreadsheet would run as a formula as text, with a leading apostrophe', () => {
    expect(['=SUM(A1)', '+1', '-2', '@cmd', '\tTab', '\rCR'].map(csvCell)).toEqual(["'=SUM(A1)", "'+1", "'-2", "'@cmd", "'\tTab", `"'\rCR"`]);
    // Quoted as well when the text also needs quoting, the apostrophe inside the quotes.
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    // A number is never a formula, and a dash inside text is nothing to guard.
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell('Ana-Maria')).toBe('Ana-Maria');
  });
});

describe('csvFilename', () => {
  it('names what, the dates (or their open ends) and whether it is anonymized', () => {
    expect(csvFilename('minutes-by-provider', { from: '2026-09-01', to: '2026-12-18', anonymized: false })).toBe('minutes-by-provider-2026-09-01-to-2026-12-18.csv');
    expect(csvFilename('dosage-totals', { from: null, to: null, anonymized: true })).toBe('dosage-totals-start-to-latest-anonymized.csv');
  });
});
