/**
 * `Authorization: Bearer <key>` on every /v1 route. The key's tenant becomes the request's
 * principal; routes scope every query by it, so one tenant never sees another's resources.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiKeyAuthenticator } from '../../db/api-keys.ts';
import { AppError } from '../errors/app-error.ts';
import type { BadKeyGuard } from './bad-key-guard.ts';

export interface Principal {
  readonly tenantId: string;
  readonly apiKeyId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const unauthorized = (detail: string) =>
  new AppError(401, 'unauthorized', 'Authentication required', {
    detail,
    headers: { 'www-authenticate': 'Bearer realm="descent"' },
  });

export function bearerKey(request: FastifyRequest): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

/**
 * Adds the authentication hook to `scope` (the /v1 routes). An address that keeps sending bad
 * keys is refused before the lookup (see bad-key-guard.ts).
 */
export function requireApiKey(scope: FastifyInstance, apiKeys: ApiKeyAuthenticator, guard?: BadKeyGuard): void {
  scope.addHook('onRequest', async (request) => {
    const key = bearerKey(request);
    if (key === undefined) throw unauthorized('Send an API key as `Authorization: Bearer <key>`; create one with `npx descent keys create --tenant NAME`.');
    guard?.check(request.ip);
    const apiKey = await apiKeys.authenticate(key);
    if (!apiKey) {
      await guard?.failed(request.ip);
      throw unauthorized('The API key is unknown or revoked.');
    }
    request.principal = apiKey;
  });
}

/** The authenticated principal; only called from routes behind `requireApiKey`. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('route is not behind requireApiKey');
  return request.principal;
}
