import { Controller, Get, Module } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { API_SCOPES } from '@sessionledger/auth';
import { ROLES } from '@sessionledger/contracts';
import { routeInventory, stopApps } from '@sessionledger/testing';
import { startGateway } from './support/gateway-harness';

describe('Route access declarations', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await startGateway();
  });

  afterAll(() => stopApps(app));

  it('every route of the gateway declares who may call it', () => {
    const routes = routeInventory(app);
    expect(routes.length).toBeGreaterThan(10);
    const undeclared = routes.filter((route) => !route.access).map((route) => route.route);
    expect(undeclared).toEqual([]);
  });

  it('declares only known roles, and public routes are the sign-in flow and probes only', () => {
    const routes = routeInventory(app);
    for (const route of routes) {
      if (route.access?.kind === 'roles') expect(ROLES).toEqual(expect.arrayContaining([...route.access.roles]));
    }
    const publicRoutes = routes.filter((route) => route.access?.kind === 'public').map((route) => route.route).sort();
    expect(publicRoutes).toEqual(
      ['GET /calendar-feeds/:file', 'GET /health/live', 'GET /health/ready', 'POST /auth/login', 'POST /auth/logout', 'POST /auth/refresh', 'POST /auth/password-reset', 'POST /auth/password-reset/confirm', 'POST /invitations/accept', 'GET /auth/sso/:district/start', 'GET /auth/sso/callback', 'POST /auth/sso/exchange', 'POST /auth/mfa', 'POST /oauth/token'].sort(),
    );
  });

  it('opens only read routes to API clients, each with a known scope', () => {
    const scoped = routeInventory(app).filter((route) => route.scope !== undefined);
    expect(scoped.map((route) => `${route.route} ${route.scope}`).sort()).toEqual(
      [
        'GET /sessions sessions:read',
        'GET /sessions/:id sessions:read',
        'GET /schools directory:read',
        'GET /schools/:id directory:read',
        'GET /students directory:read',
        'GET /students/:id directory:read',
        'GET /staff directory:read',
        'GET /staff/:id directory:read',
      ].sort(),
    );
    for (const route of scoped) expect(API_SCOPES).toContain(route.scope);
  });

  it('finds a route without a declaration (the check can fail)', async () => {
    @Controller('forgotten')
    class ForgottenController {
      @Get()
      list(): string[] {
        return [];
      }
    }
    @Module({ controllers: [ForgottenController] })
    class ForgottenModule {}
    const moduleRef = await Test.createTestingModule({ imports: [ForgottenModule] }).compile();
    const probe = moduleRef.createNestApplication(new FastifyAdapter());
    await probe.init();
    try {
      expect(routeInventory(probe).filter((route) => !route.access).map((route) => route.route)).toEqual(['GET /forgotten']);
    } finally {
      await probe.close();
    }
  });
});
