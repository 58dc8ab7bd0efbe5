import { INestApplication, ParseUUIDPipe } from '@nestjs/common';
import { PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, getSchemaPath, OpenAPIObject, OperationObject, SwaggerModule } from '@nestjs/swagger';
import { ROLES } from '@sessionledger/contracts';
import { ACCESS_METADATA, AccessDeclaration } from '@sessionledger/platform';
import { API_MAJOR_VERSION, API_VERSION } from './api-version';
import { NO_REPLAY_METADATA, REPLAYED_METHODS } from './idempotency.interceptor';
import { ERROR_DESCRIPTIONS, ErrorReply, FieldProblemReply, REQUEST_CONTENT_METADATA, RequestContent } from './openapi';

const IDEMPOTENCY_PARAMETER = 'IdempotencyKey';
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** `Sessions_start`: stable while controllers and handlers keep their names. */
const operationId = (controllerKey: string, methodKey: string) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}`;

/**
 * The OpenAPI document of the gateway, built from the decorators of its
 * controllers and the classes that validate and answer them. One function for
 * the served `/api/docs-json` and for `npm run openapi` (which builds it from
 * an app in preview mode, without databases), so the two cannot differ.
 * Paths and schemas are sorted so the committed file only changes when the
 * contract does.
 */
export function buildApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Sessionledger API')
    .setDescription(
      'System of record for tutoring, coaching and special-education sessions. ' +
        `Every answer carries \`API-Version: ${API_MAJOR_VERSION}\`; breaking changes come as a new major version under a new path prefix (see docs/api/README.md, "API versioning").`,
    )
    .setVersion(API_VERSION)
    .addServer('/', 'This gateway')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: operationId,
    extraModels: [ErrorReply, FieldProblemReply],
  });
  applyEnforcedFacts(app, document);
  return sorted(document);
}

interface HandlerFacts {
  replays: boolean;
  access: AccessDeclaration | undefined;
  /** Path parameters a ParseUUIDPipe validates. */
  uuidParams: string[];
  requestContent: RequestContent | undefined;
}

/**
 * What the document takes from the metadata that enforces behaviour rather
 * than from annotations: who may call (security, the roles, 403 when not every
 * role may), `Idempotency-Key` only on the POSTs that honour it, 413/415 on
 * routes that take a body.
 */
function applyEnforcedFacts(app: INestApplication, document: OpenAPIObject): void {
  const facts = handlerFacts(app);
  document.components ??= {};
  document.components.parameters = {
    ...document.components.parameters,
    [IDEMPOTENCY_PARAMETER]: {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Makes the write safe to retry: the same key with the same body within 24 h gets the first answer again (header `Idempotent-Replayed: true`); with another body, 422; while the first still runs, 409.',
      schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
    },
  };
  for (const pathItem of Object.values(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method];
      const handler = operation?.operationId ? facts.get(operation.operationId) : undefined;
      if (!operation || !handler) continue;
      if (handler.access?.kind === 'public') {
        operation.security = [];
      } else if (handler.access?.kind === 'roles') {
        operation.security = [{ bearer: [] }];
        const roles = handler.access.roles;
        operation.description = [operation.description, `Roles: ${roles.join(', ')}.`].filter(Boolean).join('\n\n');
        if (!ROLES.every((role) => roles.includes(role))) addError(operation, 403);
      }
      if (REPLAYED_METHODS.has(method.toUpperCase()) && handler.replays) {
        operation.parameters = [...(operation.parameters ?? []), { $ref: `#/components/parameters/${IDEMPOTENCY_PARAMETER}` }];
      }
      for (const parameter of operation.parameters ?? []) {
        if ('in' in parameter && parameter.in === 'path' && handler.uuidParams.includes(parameter.name)) {
          parameter.schema = { type: 'string', format: 'uuid' };
        }
      }
      if (handler.requestContent) {
        const content = Object.fromEntries(
          Object.entries(handler.requestContent).map(([type, schema]) => [type, { schema: typeof schema === 'function' ? { $ref: getSchemaPath(schema) } : schema }]),
        );
        const described = operation.requestBody && 'description' in operation.requestBody ? operation.requestBody.description : undefined;
        operation.requestBody = { required: true, description: described, content };
      }
      if (operation.requestBody) {
        addError(operation, 413);
        addError(operation, 415);
      }
    }
  }
}

function addError(operation: OperationObject, status: number): void {
  if (operation.responses[status]) return;
  operation.responses[status] = {
    description: ERROR_DESCRIPTIONS[status] ?? 'Error',
    content: { 'application/json': { schema: { $ref: getSchemaPath(ErrorReply) } } },
  };
  operation.responses = Object.fromEntries(Object.entries(operation.responses).sort(([a], [b]) => a.localeCompare(b)));
}

/** Facts about each route handler, keyed by the operation id the document gives it. */
function handlerFacts(app: INestApplication): Map<string, HandlerFacts> {
  const scanner = new MetadataScanner();
  const facts = new Map<string, HandlerFacts>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!controller) continue;
      for (const name of scanner.getAllMethodNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name] as object;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const metadata = <T>(key: string): T | undefined => Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, controller);
        facts.set(operationId(controller.name, name), {
          replays: !metadata<boolean>(NO_REPLAY_METADATA),
          access: metadata<AccessDeclaration>(ACCESS_METADATA),
          uuidParams: uuidParams(controller, name),
          requestContent: Reflect.getMetadata(REQUEST_CONTENT_METADATA, handler) as RequestContent | undefined,
        });
      }
    }
  }
  return facts;
}

interface RouteArgument {
  data?: unknown;
  pipes?: unknown[];
}

function uuidParams(controller: Function, method: string): string[] {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<string, RouteArgument>;
  return Object.entries(args)
    .filter(([key, arg]) => key.startsWith(`${RouteParamtypes.PARAM}:`) && typeof arg.data === 'string' && arg.pipes?.some((pipe) => pipe instanceof ParseUUIDPipe))
    .map(([, arg]) => arg.data as string);
}

function sorted(document: OpenAPIObject): OpenAPIObject {
  const byKey = <T>(record: Record<string, T> | undefined): Record<string, T> | undefined =>
    record && Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const components = document.components ?? {};
  return {
    ...document,
    paths: byKey(document.paths)!,
    components: { ...components, schemas: byKey(components.schemas), parameters: byKey(components.parameters) },
  };
}
