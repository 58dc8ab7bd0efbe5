import { ServiceBootstrap } from '@sessionledger/platform';
import { GatewayModule } from './gateway.module';
import { configureGatewayHttp } from './http/configure-http';

export const GATEWAY_BOOTSTRAP: ServiceBootstrap & { service: 'gateway' } = {
  service: 'gateway',
  module: GatewayModule,
  configureHttp: configureGatewayHttp,
};
