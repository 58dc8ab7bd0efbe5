import { readZip, ZipRefused } from './zip-archive';
import { writeZip } from './zip-writer';

const LIMITS = { maxEntryBytes: 1024 * 1024, maxTotalBytes: 3 * 1024 * 1024 };

async function read(entry: { open(): AsyncIterable<Buffer> }): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of entry.open()) chunks.push(chunk);
  return Buffer.concat(chunks).toString();
}

/** Offsets of every local and central header's CRC-32 field (the writer writes no extra fields). */
function crcOffsets(zip: Buffer): number[] {
  const offsets: number[] = [];
  for (let i = 0; i + 4 <= zip.length; i++) {
    const signature = zip.readUInt32LE(i);
    if (signature === 0x04034b50) offsets.push(i + 14);
    if (signature === 0x02014b50) offsets.push(i + 16);
  }
  return offsets;
}

describe(readZip.name, () => {
  it('reads back the files of a deflated archive, streaming each one', async () => {
    const big = 'sourcedId,name\n' + Array.from({ length: 20_000 }, (_, i) => `id-${i},Name ${i}`).join('\n');
    const entries = await readZip(writeZip({ 'orgs.csv': 'sourcedId\nx\n', 'roster/users.csv': big }), LIMITS);
    expect(entries.map((entry) => entry.name)).toEqual(['orgs.csv', 'roster/users.csv']);
    expect(await read(entries[1])).toBe(big);
  });

  it('refuses what is not a zip', async () => {
    await expect(readZip(Buffer.from('sourcedId,name\n'), LIMITS)).rejects.toMatchObject({ code: 'ROSTER.BAD_ZIP' });
  });

  it('refuses an entry, or an archive, that would inflate past the limits before inflating anything, naming the entry', async () => {
    const mib = (n: number) => Buffer.alloc(n * 1024 * 1024, 'x');
    await expect(readZip(writeZip({ 'orgs.csv': 'a\n', 'users.csv': Buffer.concat([mib(1), Buffer.from('y')]) }), LIMITS)).rejects.toEqual(
      new ZipRefused('ROSTER.ZIP_TOO_LARGE', 'users.csv inflates to 1,048,577 bytes; an entry may hold at most 1 MiB (1,048,576 bytes)', 'users.csv'),
    );
    const total = readZip(writeZip({ 'a.csv': mib(1), 'b.csv': mib(1), 'c.csv': mib(1), 'd.csv': 'x' }), LIMITS);
    await expect(total).rejects.toMatchObject({ code: 'ROSTER.ZIP_TOO_LARGE', entry: 'd.csv' });
  });

  it('refuses an entry whose bytes do not match its CRC-32', async () => {
    const zip = writeZip({ 'users.csv': 'sourcedId,givenName\nu1,Ann\n' });
    for (const offset of crcOffsets(zip)) zip.writeUInt32LE((zip.readUInt32LE(offset) ^ 0xff) >>> 0, offset);
    const [entry] = await readZip(zip, LIMITS);
    await expect(read(entry)).rejects.toEqual(new ZipRefused('ROSTER.BAD_ZIP', 'users.csv: the data does not match its CRC-32; the archive is damaged', 'users.csv'));
  });

  it('stops an entry that inflates past the size its directory declares', async () => {
    const zip = writeZip({ 'users.csv': 'x'.repeat(10_000) });
    // Local header offset 22, central offset 24: the declared uncompressed size.
    for (let i = 0; i + 4 <= zip.length; i++) {
      if (zip.readUInt32LE(i) === 0x04034b50) zip.writeUInt32LE(100, i + 22);
      if (zip.readUInt32LE(i) === 0x02014b50) zip.writeUInt32LE(100, i + 24);
    }
    const [entry] = await readZip(zip, LIMITS);
    await expect(read(entry)).rejects.toMatchObject({ code: 'ROSTER.BAD_ZIP', entry: 'users.csv' });
  });
});
