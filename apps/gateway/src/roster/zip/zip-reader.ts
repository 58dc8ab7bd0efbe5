import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';

export interface ZipEntry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
  /** Streams the entry's bytes, inflating as it goes. */
  open(): AsyncIterable<Buffer>;
}

export class ZipFormatError extends Error {}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;

/**
 * The entries of a zip archive held in memory (an upload): reads the central
 * directory, and inflates one entry at a time as a stream. Stored and deflated
 * entries; no encryption, no multi-disk archives, no ZIP64 (over 4 GiB).
 */
export function readZip(zip: Buffer): ZipEntry[] {
  const end = findEndOfCentralDirectory(zip);
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  if (count === 0xffff || offset === 0xffffffff) throw new ZipFormatError('ZIP64 archives are not supported');
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (offset + 46 > zip.length || zip.readUInt32LE(offset) !== CENTRAL_FILE_HEADER) throw new ZipFormatError('the zip central directory is damaged');
    const flags = zip.readUInt16LE(offset + 8);
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const uncompressedSize = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localOffset = zip.readUInt32LE(offset + 42);
    const name = zip.toString((flags & 0x800) !== 0 ? 'utf8' : 'latin1', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    if ((flags & 0x1) !== 0) throw new ZipFormatError(`${name} is encrypted`);
    if (method !== 0 && method !== 8) throw new ZipFormatError(`${name} uses an unsupported compression method (${method})`);
    entries.push({
      name,
      compressedSize,
      uncompressedSize,
      open: () => {
        if (localOffset + 30 > zip.length || zip.readUInt32LE(localOffset) !== LOCAL_FILE_HEADER) throw new ZipFormatError(`${name}: damaged entry`);
        const dataStart = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
        const data = zip.subarray(dataStart, dataStart + compressedSize);
        if (data.length !== compressedSize) throw new ZipFormatError(`${name}: truncated entry`);
        return method === 0 ? Readable.from([data]) : Readable.from([data]).pipe(createInflateRaw());
      },
    });
  }
  return entries;
}

function findEndOfCentralDirectory(zip: Buffer): number {
  const earliest = Math.max(0, zip.length - 22 - 0xffff);
  for (let i = zip.length - 22; i >= earliest; i--) {
    if (zip.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) return i;
  }
  throw new ZipFormatError('not a zip archive');
}

export function looksLikeZip(body: Buffer): boolean {
  return body.length >= 4 && body.readUInt32LE(0) === LOCAL_FILE_HEADER;
}
