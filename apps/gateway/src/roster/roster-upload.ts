import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { DomainError, ValidationFailed } from '@sessionledger/common';
import { NamedFile, textFiles, zipFiles } from './import/roster-sources';
import { ZipFormatError } from './zip/zip-reader';

export const ZIP_CONTENT_TYPES = ['application/zip', 'application/x-zip-compressed'];
/** A zip of a 200,000-student district is tens of megabytes; this leaves room. */
export const MAX_ZIP_BYTES = 256 * 1024 * 1024;
const MAX_JSON_FILE_CHARS = 20 * 1024 * 1024;

/**
 * A zip body as parsed: only its digest is enumerable, so the idempotency
 * fingerprint hashes 64 characters rather than serialising megabytes.
 */
export class ZipUpload {
  readonly sha256: string;
  declare readonly bytes: Buffer;

  constructor(bytes: Buffer) {
    this.sha256 = createHash('sha256').update(bytes).digest('hex');
    Object.defineProperty(this, 'bytes', { value: bytes, enumerable: false });
  }
}

/** Registers the zip body parser on the gateway's Fastify instance (JSON is built in). */
@Injectable()
export class RosterUploadParser implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify || fastify.hasContentTypeParser('application/zip')) return;
    fastify.addContentTypeParser(ZIP_CONTENT_TYPES, { parseAs: 'buffer', bodyLimit: MAX_ZIP_BYTES }, (_request, body, done) => done(null, new ZipUpload(body as Buffer)));
  }
}

/** The files of a request body: a zip, or `{ files: { name: text }, dryRun? }`. */
export function uploadedFiles(body: unknown): { files: NamedFile[]; dryRun?: boolean } {
  if (body instanceof ZipUpload) {
    try {
      return { files: zipFiles(body.bytes) };
    } catch (error) {
      if (error instanceof ZipFormatError) throw new DomainError('invalid', 'ROSTER.BAD_ZIP', `The upload is not a readable zip: ${error.message}`);
      throw error;
    }
  }
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const { files, dryRun, ...unknown } = body as Record<string, unknown>;
    const problems = Object.keys(unknown).map((field) => ({ field, problems: ['is not a field of a roster upload'] }));
    if (dryRun !== undefined && typeof dryRun !== 'boolean') problems.push({ field: 'dryRun', problems: ['must be a boolean'] });
    if (!files || typeof files !== 'object' || Array.isArray(files) || Object.keys(files).length === 0) {
      problems.push({ field: 'files', problems: ['must be an object of file name → CSV text'] });
    } else {
      for (const [name, text] of Object.entries(files as Record<string, unknown>)) {
        if (typeof text !== 'string') problems.push({ field: `files.${name}`, problems: ['must be the CSV text'] });
        else if (text.length > MAX_JSON_FILE_CHARS) problems.push({ field: `files.${name}`, problems: ['is too large for a JSON upload; send a zip'] });
      }
    }
    if (problems.length) throw new ValidationFailed(problems);
    return { files: textFiles(files as Record<string, string>), dryRun: dryRun as boolean | undefined };
  }
  throw new ValidationFailed(
    [{ field: 'body', problems: ['send the roster as a zip (Content-Type: application/zip) or as JSON { "files": { "users.csv": "…" } }'] }],
    'The request has no roster',
  );
}
