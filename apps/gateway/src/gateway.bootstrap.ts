import { messagingTransport } from '@sessionledger/messaging';
import { ServiceBootstrap } from '@sessionledger/platform';
import { GatewayModule } from './gateway.module';
import { configureGatewayHttp } from './http/configure-http';

export const GATEWAY_BOOTSTRAP: ServiceBootstrap & { service: 'gateway' } = {
  service: 'gateway',
  module: GatewayModule,
  configureHttp: configureGatewayHttp,
  // Seals the secrets the gateway reads back (districts' OpenID client secrets): without it SSO could never work.
  requires: ['SSO_SECRET_KEY'],
  // Events whose effects need the directory (e-mail to admins, guardians, requesters) are consumed here, from `gateway.events`.
  ...messagingTransport('gateway'),
};
