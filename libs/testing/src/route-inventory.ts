import { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { SCOPES_METADATA } from '@sessionledger/auth';
import { ACCESS_METADATA, AccessDeclaration } from '@sessionledger/platform';

export interface RouteAccess {
  route: string;
  access: AccessDeclaration | undefined;
  /** The API-client scope that opens it (`@Scopes`), if any. */
  scope?: string;
}

/** Every HTTP route of an app with the access it declares (`undefined`: none). */
export function routeInventory(app: INestApplication): RouteAccess[] {
  const discovery = new DiscoveryService(app.get(ModulesContainer));
  const scanner = new MetadataScanner();
  const reflector = new Reflector();
  const routes: RouteAccess[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as (new (...args: never[]) => object) | undefined;
    if (!controller || !wrapper.instance) continue;
    const prefix = Reflect.getMetadata(PATH_METADATA, controller) ?? '';
    for (const methodName of scanner.getAllMethodNames(Object.getPrototypeOf(wrapper.instance))) {
      const handler = (wrapper.instance as Record<string, unknown>)[methodName] as () => unknown;
      const path = Reflect.getMetadata(PATH_METADATA, handler);
      if (path === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const access = reflector.getAllAndOverride<AccessDeclaration | undefined>(ACCESS_METADATA, [handler, controller]);
      const scope = reflector.getAllAndOverride<string | undefined>(SCOPES_METADATA, [handler, controller]);
      routes.push({ route: `${method} /${[prefix, path].flat().filter((p) => p && p !== '/').join('/')}`, access, scope });
    }
  }
  return routes;
}
