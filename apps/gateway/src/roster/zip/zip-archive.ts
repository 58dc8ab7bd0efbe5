import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { Entry, fromBufferPromise, ZipFile } from 'yauzl';

export interface ZipLimits {
  /** Inflated bytes one entry may hold. */
  maxEntryBytes: number;
  /** Inflated bytes all entries together may hold. */
  maxTotalBytes: number;
}

export interface ZipEntry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
  /** Streams the entry's bytes, inflating as it goes; the CRC-32 is checked when the stream ends. */
  open(): AsyncIterable<Buffer>;
}

/** The archive cannot be read, is damaged, or would inflate past a limit; `entry` names the entry at fault. */
export class ZipRefused extends Error {
  constructor(
    readonly code: 'ROSTER.BAD_ZIP' | 'ROSTER.ZIP_TOO_LARGE',
    message: string,
    readonly entry?: string,
  ) {
    super(message);
  }
}

/**
 * The entries of a zip held in memory (an upload), read with yauzl. Sizes are
 * judged from the central directory before anything is inflated, and yauzl's
 * `validateEntrySizes` stops an entry the moment it inflates past what the
 * directory declared, so a zip bomb is refused after a few kilobytes of work
 * rather than after gigabytes. yauzl does not check the CRC-32, so it is
 * computed here as the bytes stream by.
 */
export async function readZip(bytes: Buffer, limits: ZipLimits): Promise<ZipEntry[]> {
  let zip: ZipFile;
  try {
    zip = await fromBufferPromise(bytes, { lazyEntries: true, validateEntrySizes: true, decodeStrings: true, strictFileNames: false });
  } catch (error) {
    throw new ZipRefused('ROSTER.BAD_ZIP', `not a readable zip archive (${(error as Error).message})`);
  }
  const entries = await allEntries(zip);
  let total = 0;
  const result: ZipEntry[] = [];
  for (const entry of entries) {
    const name = entry.fileName;
    if (name.endsWith('/')) continue;
    if (entry.isEncrypted()) throw new ZipRefused('ROSTER.BAD_ZIP', `${name} is encrypted`, name);
    if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
      throw new ZipRefused('ROSTER.BAD_ZIP', `${name} uses an unsupported compression method (${entry.compressionMethod})`, name);
    }
    if (entry.uncompressedSize > limits.maxEntryBytes) {
      throw new ZipRefused(
        'ROSTER.ZIP_TOO_LARGE',
        `${name} inflates to ${entry.uncompressedSize.toLocaleString('en-US')} bytes; an entry may hold at most ${bytesText(limits.maxEntryBytes)}`,
        name,
      );
    }
    total += entry.uncompressedSize;
    if (total > limits.maxTotalBytes) {
      throw new ZipRefused(
        'ROSTER.ZIP_TOO_LARGE',
        `the archive inflates to more than ${bytesText(limits.maxTotalBytes)} (reached at ${name}), the most an upload may hold`,
        name,
      );
    }
    result.push({ name, compressedSize: entry.compressedSize, uncompressedSize: entry.uncompressedSize, open: () => streamEntry(zip, entry) });
  }
  return result;
}

function allEntries(zip: ZipFile): Promise<Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: Entry[] = [];
    zip.on('entry', (entry: Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve(entries));
    zip.once('error', (error: Error) => reject(new ZipRefused('ROSTER.BAD_ZIP', `the zip is damaged (${error.message})`)));
    zip.readEntry();
  });
}

async function* streamEntry(zip: ZipFile, entry: Entry): AsyncIterable<Buffer> {
  const name = entry.fileName;
  let stream: Readable;
  try {
    stream = await zip.openReadStreamPromise(entry);
  } catch (error) {
    throw new ZipRefused('ROSTER.BAD_ZIP', `${name}: damaged entry (${(error as Error).message})`, name);
  }
  let crc = 0;
  try {
    for await (const chunk of stream) {
      crc = crc32(chunk as Buffer, crc);
      yield chunk as Buffer;
    }
  } catch (error) {
    throw new ZipRefused('ROSTER.BAD_ZIP', `${name}: damaged entry (${(error as Error).message})`, name);
  } finally {
    stream.destroy();
  }
  if (crc >>> 0 !== entry.crc32 >>> 0) throw new ZipRefused('ROSTER.BAD_ZIP', `${name}: the data does not match its CRC-32; the archive is damaged`, name);
}

function bytesText(bytes: number): string {
  const exact = `${bytes.toLocaleString('en-US')} bytes`;
  if (bytes >= 1024 * 1024 * 1024) return `${+(bytes / (1024 * 1024 * 1024)).toFixed(2)} GiB (${exact})`;
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(2)} MiB (${exact})`;
  return exact;
}
