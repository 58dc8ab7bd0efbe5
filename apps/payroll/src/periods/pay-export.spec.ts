import { dollarsOf, hoursOf, payExportCsv, safeText } from './pay-export';

describe('pay export CSV', () => {
  it('writes a header and one CRLF-terminated row per provider', () => {
    const csv = payExportCsv([{ providerId: 'p1', providerName: 'Ada Lovelace', minutes: 45, amountCents: 2438, lines: 1 }]);
    expect(csv).toBe('provider_id,provider_name,hours,amount,lines\r\np1,Ada Lovelace,0.75,24.38,1\r\n');
  });

  it.each([
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['+1', "'+1"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tTab', "'\tTab"],
    ['\rCR', `"'\rCR"`],
    ['Smith, Jo', '"Smith, Jo"'],
    ['Line\nbreak', '"Line\nbreak"'],
    ['Plain', 'Plain'],
  ])('makes the text %j safe and well quoted', (name, cell) => {
    const csv = payExportCsv([{ providerId: 'p', providerName: name, minutes: 0, amountCents: 0, lines: 1 }]);
    expect(csv.split('\r\n')[1]).toBe(`p,${cell},0.00,0.00,1`);
  });

  it('prefixes only what would start a formula', () => {
    expect(safeText('O’Brien')).toBe('O’Brien');
    expect(safeText(' =x')).toBe(' =x');
  });

  it('formats net hours and amounts in integer arithmetic, negatives included', () => {
    expect(hoursOf(90)).toBe('1.50');
    expect(hoursOf(50)).toBe('0.83');
    expect(hoursOf(10)).toBe('0.17');
    expect(hoursOf(-45)).toBe('-0.75');
    expect(hoursOf(0)).toBe('0.00');
    expect(dollarsOf(2438)).toBe('24.38');
    expect(dollarsOf(-5)).toBe('-0.05');
    expect(dollarsOf(123456789)).toBe('1234567.89');
  });
});
