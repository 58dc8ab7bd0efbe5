import { ApiClientsController } from './api-clients.controller';
import { ApiClientsService } from './api-clients.service';
import { ClientAuthThrottle } from './client-auth-throttle';
import { ClientCredentialsUseCase } from './client-credentials.use-case';
import { OAuthFormParser, OAuthTokenController } from './oauth-token.controller';

/** Machine credentials: registered in AuthModule, which owns the token signer they share with sign-in. */
export const API_CLIENT_CONTROLLERS = [ApiClientsController, OAuthTokenController];
export const API_CLIENT_PROVIDERS = [ApiClientsService, ClientAuthThrottle, ClientCredentialsUseCase, OAuthFormParser];
