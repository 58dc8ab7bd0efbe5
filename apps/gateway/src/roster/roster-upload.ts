import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { RouteConfig } from '@nestjs/platform-fastify';
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { DomainError, ValidationFailed } from '@sessionledger/common';
import { Environment } from '@sessionledger/config';
import { NamedFile, textFiles, zipFiles, zipLimitsOf } from './import/roster-sources';
import { ZipRefused } from './zip/zip-archive';

export const ZIP_CONTENT_TYPES = ['application/zip', 'application/x-zip-compressed'];
export const MAX_JSON_FILE_CHARS = 20 * 1024 * 1024;

type ByteLimitVariable = 'ROSTER_UPLOAD_MAX_BYTES';

/**
 * Gives a route its own body limit, read from the environment. Nest passes a
 * handler's RouteConfig to Fastify only as `config`, while Fastify reads the
 * limit from the route's top-level `bodyLimit`; installRouteBodyLimits moves
 * it there as each route is registered.
 */
export const RouteBodyLimit = (variable: ByteLimitVariable) => RouteConfig({ bodyLimitFrom: variable });

/** Must run before Nest registers the routes (a module's `configure` does). */
export function installRouteBodyLimits(fastify: FastifyInstance, env: Environment): void {
  fastify.addHook('onRoute', (route) => {
    const variable = (route.config as { bodyLimitFrom?: ByteLimitVariable } | undefined)?.bodyLimitFrom;
    if (variable) route.bodyLimit = env[variable];
  });
}

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
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly env: Environment,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify || fastify.hasContentTypeParser('application/zip')) return;
    fastify.addContentTypeParser(ZIP_CONTENT_TYPES, { parseAs: 'buffer', bodyLimit: this.env.ROSTER_UPLOAD_MAX_BYTES }, (_request, body, done) =>
      done(null, new ZipUpload(body as Buffer)),
    );
  }
}

/** A zip the upload refuses whole: unreadable, damaged (CRC), or inflating past a limit; the entry at fault is named. */
export function zipRefusal(error: ZipRefused): DomainError {
  const message = error.code === 'ROSTER.ZIP_TOO_LARGE' ? `Refused: ${error.message}` : `The upload is not a readable zip: ${error.message}`;
  return new DomainError('invalid', error.code, message, error.entry ? [{ field: error.entry, problems: [error.message] }] : undefined);
}

/** The files of a request body: a zip, or `{ files: { name: text }, dryRun? }`. */
export async function uploadedFiles(body: unknown, env: Environment): Promise<{ files: NamedFile[]; dryRun?: boolean }> {
  if (body instanceof ZipUpload) {
    try {
      return { files: await zipFiles(body.bytes, zipLimitsOf(env)) };
    } catch (error) {
      if (error instanceof ZipRefused) throw zipRefusal(error);
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
