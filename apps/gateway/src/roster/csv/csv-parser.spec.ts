import { CsvEncodingError, CsvParser, CsvRecord } from './csv-parser';

function parseInChunks(text: string, size: number): CsvRecord[] {
  const parser = new CsvParser();
  const bytes = Buffer.from(text);
  const records: CsvRecord[] = [];
  for (let i = 0; i < bytes.length; i += size) records.push(...parser.push(bytes.subarray(i, i + size)));
  return [...records, ...parser.end()];
}

describe(CsvParser.name, () => {
  const text = '\ufeffa,b,c\r\n1,"two, three","say ""hi"""\r\n"multi\nline",,é\n\nlast,x,"y"';
  const expected: CsvRecord[] = [
    { line: 1, fields: ['a', 'b', 'c'] },
    { line: 2, fields: ['1', 'two, three', 'say "hi"'] },
    { line: 3, fields: ['multi\nline', '', 'é'] },
    { line: 6, fields: ['last', 'x', 'y'] },
  ];

  it('reads quoted fields, doubled quotes, embedded line breaks, CRLF and a byte-order mark, with the line each record starts on', () => {
    expect(parseInChunks(text, 1 << 20)).toEqual(expected);
  });

  it('gives the same records whatever the chunk boundaries (inside quotes, CRLF and UTF-8 sequences)', () => {
    for (const size of [1, 2, 3, 5, 7]) expect(parseInChunks(text, size)).toEqual(expected);
  });

  it('keeps a trailing empty field and ignores a final line break', () => {
    expect(parseInChunks('a,b,\n', 4)).toEqual([{ line: 1, fields: ['a', 'b', ''] }]);
  });
});

describe('CsvParser limits and encoding', () => {
  const limits = { maxFieldChars: 10, maxRecordChars: 25 };

  it('drops a value past the field limit unread, reports which field, and reads the next record normally', () => {
    const parser = new CsvParser(limits);
    const records = [...parser.push('id,name\nx,' + 'A'.repeat(5000)), ...parser.push('AAAA,"q"\ny,ok\n'), ...parser.end()];
    expect(records).toEqual([
      { line: 1, fields: ['id', 'name'] },
      { line: 2, fields: ['x'], tooLong: { field: 1, reason: 'the value is longer than 10 characters' } },
      { line: 3, fields: ['y', 'ok'] },
    ]);
  });

  it('stops a line past the line limit, even one made only of short values or commas, and keeps counting lines inside quotes', () => {
    const parser = new CsvParser(limits);
    const records = [...parser.push(',,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,\n"a\nb","c""d"\nz\n'), ...parser.end()];
    expect(records[0]).toMatchObject({ line: 1, tooLong: { field: 26, reason: 'the line is longer than 25 characters' } });
    expect(records[0].fields.length).toBe(26);
    expect(records.slice(1)).toEqual([
      { line: 2, fields: ['a\nb', 'c"d'] },
      { line: 4, fields: ['z'] },
    ]);
  });

  it('refuses bytes that are not UTF-8, naming the line, whatever the chunk boundaries', () => {
    const latin1 = Buffer.concat([Buffer.from('sourcedId,givenName\nu1,Ann\nu2,Zo'), Buffer.from([0xeb]), Buffer.from(' N\n')]);
    for (const size of [1, 3, 7, latin1.length]) {
      const parser = new CsvParser();
      const read = () => {
        for (let i = 0; i < latin1.length; i += size) parser.push(latin1.subarray(i, i + size));
        parser.end();
      };
      expect(read).toThrow(new CsvEncodingError(3));
    }
  });

  it('refuses a file ending inside a UTF-8 sequence', () => {
    const parser = new CsvParser();
    parser.push(Buffer.from([0x61, 0x0a, 0xc3]));
    expect(() => parser.end()).toThrow(CsvEncodingError);
  });
});
