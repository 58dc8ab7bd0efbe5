/**
 * Writes the gateway's OpenAPI document to libs/api-client/openapi.json (or to
 * the directory given as the first argument). The app is created in preview
 * mode: modules and controllers are registered, nothing is instantiated or
 * connected, so no database or Redis is needed. `npm run openapi` then turns
 * the JSON into libs/api-client/src/schema.d.ts.
 */
import 'reflect-metadata';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { GatewayModule } from '../apps/gateway/src/gateway.module';
import { buildApiDocument } from '../apps/gateway/src/http/api-document';
import { API_PREFIX_EXCLUDES } from '../apps/gateway/src/http/configure-http';

async function main(): Promise<void> {
  const outputDir = resolve(process.argv[2] ?? join(__dirname, '..', 'libs', 'api-client'));
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule, new FastifyAdapter(), { preview: true, logger: ['error'], abortOnError: false });
  // Preview mode leaves controllers uninstantiated; the document only reads their prototypes.
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      if (!wrapper.instance && wrapper.metatype) wrapper.instance = Object.create((wrapper.metatype as { prototype: object }).prototype);
    }
  }
  app.setGlobalPrefix('api', { exclude: API_PREFIX_EXCLUDES });
  const document = buildApiDocument(app);
  mkdirSync(outputDir, { recursive: true });
  writeFileSync(join(outputDir, 'openapi.json'), `${JSON.stringify(document, null, 2)}\n`);
  console.log(`wrote ${join(outputDir, 'openapi.json')} (${Object.keys(document.paths).length} paths)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
