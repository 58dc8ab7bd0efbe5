import { createDeflateRaw, crc32, DeflateRaw } from 'node:zlib';

/** General purpose flags: sizes and CRC follow the data (a data descriptor), names are UTF-8. */
const FLAGS = 0x0008 | 0x0800;
const DEFLATE = 8;
const ZIP32_LIMIT = 0xffffffff;

/** One file of the zip being written: its bytes go in as they are read, deflated as they go. */
export class ZipEntryWriter {
  private crc = 0;
  private size = 0;
  private compressedSize = 0;
  private readonly deflate: DeflateRaw = createDeflateRaw();
  private output: Buffer[] = [];
  private readonly ended: Promise<void>;

  constructor(
    readonly name: string,
    private readonly owner: ZipEntries,
  ) {
    this.deflate.on('data', (part: Buffer) => this.output.push(part));
    this.ended = new Promise((resolve, reject) => {
      this.deflate.once('end', resolve);
      this.deflate.once('error', reject);
    });
  }

  /** The local header: written before the data, sizes and CRC left to the data descriptor. */
  header(): Buffer {
    const nameBytes = Buffer.from(this.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(FLAGS, 6);
    local.writeUInt16LE(DEFLATE, 8);
    local.writeUInt16LE(nameBytes.length, 26);
    return this.owner.advance(Buffer.concat([local, nameBytes]));
  }

  /** Deflates `data`; answers the compressed bytes ready so far (possibly none). */
  async write(data: Buffer): Promise<Buffer> {
    this.crc = crc32(data, this.crc);
    this.size += data.length;
    await new Promise<void>((resolve, reject) => this.deflate.write(data, (error) => (error ? reject(error) : resolve())));
    return this.take();
  }

  /** The rest of the compressed bytes and the data descriptor; the entry joins the central directory. */
  async end(): Promise<Buffer> {
    this.deflate.end();
    await this.ended;
    const rest = this.take();
    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(this.crc >>> 0, 4);
    descriptor.writeUInt32LE(this.compressedSize, 8);
    descriptor.writeUInt32LE(this.size, 12);
    if (this.size > ZIP32_LIMIT) throw new Error(`${this.name} is larger than 4 GiB, which this zip writer cannot address`);
    this.owner.close(this.name, { crc: this.crc >>> 0, size: this.size, compressedSize: this.compressedSize });
    return Buffer.concat([rest, this.owner.advance(descriptor)]);
  }

  private take(): Buffer {
    const bytes = Buffer.concat(this.output);
    this.output = [];
    this.compressedSize += bytes.length;
    return this.owner.advance(bytes);
  }
}

/**
 * Writes a zip one file at a time, each file a page at a time: the caller
 * appends what each call answers, in order, then end()'s central directory.
 * Only the directory's small records stay in memory, so an export holds one
 * page of rows, not a table or the district.
 */
export class ZipEntries {
  private readonly centrals: Buffer[] = [];
  private offset = 0;
  private entryOffset = 0;
  private count = 0;

  entry(name: string): ZipEntryWriter {
    this.entryOffset = this.offset;
    return new ZipEntryWriter(name, this);
  }

  /** Every byte of the archive passes here, so offsets stay right. */
  advance(bytes: Buffer): Buffer {
    this.offset += bytes.length;
    // Zip without its 64-bit extension: an archive past 4 GiB is refused rather than written corrupt.
    if (this.offset > ZIP32_LIMIT) throw new Error('the export is larger than 4 GiB, which this zip writer cannot address');
    return bytes;
  }

  close(name: string, entry: { crc: number; size: number; compressedSize: number }): void {
    const nameBytes = Buffer.from(name, 'utf8');
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(FLAGS, 8);
    central.writeUInt16LE(DEFLATE, 10);
    central.writeUInt32LE(entry.crc, 16);
    central.writeUInt32LE(entry.compressedSize, 20);
    central.writeUInt32LE(entry.size, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(this.entryOffset, 42);
    this.centrals.push(central, nameBytes);
    this.count += 1;
  }

  end(): Buffer {
    const directory = Buffer.concat(this.centrals);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.count, 8);
    end.writeUInt16LE(this.count, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(this.offset, 16);
    return Buffer.concat([directory, end]);
  }
}
