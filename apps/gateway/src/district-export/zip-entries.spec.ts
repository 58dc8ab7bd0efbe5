import { randomBytes } from 'node:crypto';
import { readZip } from '../roster/zip/zip-archive';
import { ZipEntries } from './zip-entries';

async function contentsOf(zip: Buffer): Promise<Record<string, Buffer>> {
  const files: Record<string, Buffer> = {};
  for (const entry of await readZip(zip, { maxEntryBytes: 64 * 1024 * 1024, maxTotalBytes: 64 * 1024 * 1024 })) {
    const parts: Buffer[] = [];
    for await (const part of entry.open()) parts.push(part);
    files[entry.name] = Buffer.concat(parts);
  }
  return files;
}

describe('ZipEntries: a zip written a page at a time', () => {
  it('reads back (CRC checked) with every file whole: several pages, an empty file, a UTF-8 name', async () => {
    const zip = new ZipEntries();
    const out: Buffer[] = [];
    const pages = Array.from({ length: 5 }, (_, i) => Buffer.concat([Buffer.from(`page ${i}\n`), Buffer.from(randomBytes(100_000).toString('hex'))]));
    const big = zip.entry('session-log/participant.jsonl');
    out.push(big.header());
    for (const page of pages) out.push(await big.write(page));
    out.push(await big.end());
    const empty = zip.entry('payroll/pay_line.jsonl');
    out.push(empty.header(), await empty.write(Buffer.alloc(0)), await empty.end());
    const named = zip.entry('manifest-é.json');
    out.push(named.header(), await named.write(Buffer.from('{"ok":true}\n')), await named.end());
    out.push(zip.end());

    const files = await contentsOf(Buffer.concat(out));
    expect(Object.keys(files)).toEqual(['session-log/participant.jsonl', 'payroll/pay_line.jsonl', 'manifest-é.json']);
    expect(files['session-log/participant.jsonl'].equals(Buffer.concat(pages))).toBe(true);
    expect(files['payroll/pay_line.jsonl'].length).toBe(0);
    expect(files['manifest-é.json'].toString()).toBe('{"ok":true}\n');
  });
});
