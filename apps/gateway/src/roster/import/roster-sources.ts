import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { EntityManager } from '@mikro-orm/postgresql';
import { Notice, rosterFileName, RosterFileName } from '../oneroster/oneroster-files';
import { readZip, ZipLimits } from '../zip/zip-archive';
import { RosterRefused, RosterSource } from './roster-importer';

/** Uploaded files are kept as rows of at most this many bytes, so neither the upload nor the job holds a whole file in one value. */
export const STORED_CHUNK_BYTES = 1024 * 1024;

export interface NamedFile {
  /** The name as uploaded (a zip entry's path, a JSON key, a file on disk). */
  path: string;
  open(): AsyncIterable<Buffer | string>;
}

/**
 * Maps uploaded names to the standard's files: OneRoster files the directory
 * does not keep are skipped with a notice, anything else is refused, and so
 * is a set without any roster data.
 */
export function rosterSourceOf(files: NamedFile[], notices: Notice[]): RosterSource {
  const byName = new Map<RosterFileName, NamedFile>();
  for (const file of files) {
    const name = rosterFileName(file.path);
    if (name === 'skipped') {
      notices.push({ file: file.path, message: 'not kept by the directory; the file was skipped' });
      continue;
    }
    if (!name) {
      if (file.path.split('/').pop()?.startsWith('.') || file.path.startsWith('__MACOSX/')) continue;
      throw new RosterRefused('ROSTER.UNKNOWN_FILE', `${file.path} is not a OneRoster CSV file`, file.path);
    }
    if (byName.has(name)) throw new RosterRefused('ROSTER.DUPLICATE_FILE', `${name} appears twice in the upload`, name);
    byName.set(name, file);
  }
  if (!byName.has('orgs.csv') && !byName.has('users.csv') && !byName.has('classes.csv') && !byName.has('enrollments.csv')) {
    throw new RosterRefused('ROSTER.NO_ROSTER_FILES', 'The upload holds no OneRoster file to import (orgs.csv, users.csv, classes.csv, enrollments.csv…)');
  }
  return {
    files: () => [...byName.keys()],
    open: (name) => {
      const file = byName.get(name);
      if (!file) throw new Error(`${name} is not part of this import`);
      return file.open();
    },
  };
}

/** The entries of a zip; throws ZipRefused for an archive that is damaged or inflates past the limits. */
export async function zipFiles(zip: Buffer, limits: ZipLimits): Promise<NamedFile[]> {
  return (await readZip(zip, limits)).map((entry) => ({ path: entry.name, open: () => entry.open() }));
}

export function zipLimitsOf(env: { ROSTER_ZIP_MAX_ENTRY_BYTES: number; ROSTER_ZIP_MAX_TOTAL_BYTES: number }): ZipLimits {
  return { maxEntryBytes: env.ROSTER_ZIP_MAX_ENTRY_BYTES, maxTotalBytes: env.ROSTER_ZIP_MAX_TOTAL_BYTES };
}

export async function directoryFiles(directory: string): Promise<NamedFile[]> {
  const names = (await readdir(directory, { withFileTypes: true })).filter((entry) => entry.isFile() && entry.name.toLowerCase().endsWith('.csv'));
  return names.map((entry) => ({ path: entry.name, open: () => createReadStream(join(directory, entry.name), { highWaterMark: STORED_CHUNK_BYTES }) }));
}

export function textFiles(files: Record<string, string>): NamedFile[] {
  return Object.entries(files).map(([path, text]) => ({
    path,
    open: async function* () {
      const bytes = Buffer.from(text);
      for (let offset = 0; offset < bytes.length; offset += STORED_CHUNK_BYTES) yield bytes.subarray(offset, offset + STORED_CHUNK_BYTES);
    },
  }));
}

/** Copies each file of the set into roster_import_file, in chunks, inside the caller's transaction. */
export async function storeFiles(em: EntityManager, districtId: string, importId: string, source: RosterSource): Promise<void> {
  for (const name of source.files()) {
    let seq = 0;
    let parts: Buffer[] = [];
    let size = 0;
    const write = async () => {
      await em.execute(`INSERT INTO gateway.roster_import_file (district_id, import_id, name, seq, data) VALUES (?, ?, ?, ?, ?)`, [
        districtId,
        importId,
        name,
        seq,
        Buffer.concat(parts),
      ]);
      seq += 1;
      parts = [];
      size = 0;
    };
    for await (const chunk of source.open(name)) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      parts.push(bytes);
      size += bytes.length;
      if (size >= STORED_CHUNK_BYTES) await write();
    }
    if (size > 0 || seq === 0) await write();
  }
}

/** The stored upload, read back one chunk at a time on the import's own connection. */
export async function storedSource(em: EntityManager, importId: string): Promise<RosterSource> {
  const rows = await em.execute<{ name: RosterFileName; chunks: string }[]>(
    `SELECT name, count(*) AS chunks FROM gateway.roster_import_file WHERE import_id = ? GROUP BY name`,
    [importId],
  );
  const chunks = new Map(rows.map((row) => [row.name, Number(row.chunks)]));
  return {
    files: () => [...chunks.keys()],
    open: async function* (name) {
      const total = chunks.get(name) ?? 0;
      for (let seq = 0; seq < total; seq++) {
        const [row] = await em.execute<{ data: Buffer }[]>(`SELECT data FROM gateway.roster_import_file WHERE import_id = ? AND name = ? AND seq = ?`, [
          importId,
          name,
          seq,
        ]);
        yield row.data;
      }
    },
  };
}
