import { CsvParser, CsvRecord } from './csv-parser';

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
