import { dollarsOf, hoursOf, payExportCsv, safeText } from './pay-export';

describe('pay export CSV', () => {
  const period = { startsOn: '2026-03-02', endsOn: '2026-03-08', status: 'final' as const };
  const row = { providerId: 'p1', employeeNumber: 'E-17', providerName: 'Ada Lovelace', workOrderType: 'tutoring', rateCents: 3250, minutes: 45, amountCents: 2438, lines: 1 };

  it('writes a header and one CRLF-terminated row per provider × work order type × rate, with the period and its status', () => {
    const csv = payExportCsv(period, [row, { ...row, rateCents: 4000, minutes: 30, amountCents: 2000 }]);
    expect(csv).toBe(
      'provider_id,employee_number,provider_name,period_start,period_end,work_order_type,rate,hours,amount,lines,status\r\n' +
        'p1,E-17,Ada Lovelace,2026-03-02,2026-03-08,tutoring,32.50,0.75,24.38,1,final\r\n' +
        'p1,E-17,Ada Lovelace,2026-03-02,2026-03-08,tutoring,40.00,0.50,20.00,1,final\r\n',
    );
    expect(payExportCsv({ ...period, status: 'provisional' }, [{ ...row, employeeNumber: null }]).split('\r\n')[1]).toBe(
      'p1,,Ada Lovelace,2026-03-02,2026-03-08,tutoring,32.50,0.75,24.38,1,provisional',
    );
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
    const csv = payExportCsv(period, [{ ...row, providerId: 'p', employeeNumber: name, providerName: name, minutes: 0, amountCents: 0 }]);
    expect(csv.split('\r\n')[1]).toBe(`p,${cell},${cell},2026-03-02,2026-03-08,tutoring,32.50,0.00,0.00,1,final`);
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
