import { readZip } from './zip-reader';
import { writeZip } from './zip-writer';

describe(readZip.name, () => {
  it('reads back the files of a deflated archive, streaming each one', async () => {
    const big = 'sourcedId,name\n' + Array.from({ length: 20_000 }, (_, i) => `id-${i},Name ${i}`).join('\n');
    const entries = readZip(writeZip({ 'orgs.csv': 'sourcedId\nx\n', 'roster/users.csv': big }));
    expect(entries.map((entry) => entry.name)).toEqual(['orgs.csv', 'roster/users.csv']);
    const chunks: Buffer[] = [];
    for await (const chunk of entries[1].open()) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString()).toBe(big);
  });

  it('refuses what is not a zip', () => {
    expect(() => readZip(Buffer.from('sourcedId,name\n'))).toThrow('not a zip archive');
  });
});
