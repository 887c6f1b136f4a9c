// Runs the real API (Express + PostGraphile) on a free port against a test database.
import type { AddressInfo } from 'node:net';
import { signToken, type ApiRole } from '../../server/src/auth.ts';
import { createApi, type Api } from '../../server/src/http.ts';
import { createLogger } from '../../server/src/logger.ts';
import type { TestDatabase } from './database.ts';

export const TEST_JWT_SECRET = 'test-secret-that-is-at-least-32-characters-long';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
}

export interface TestApi {
  url: string;
  api: Api;
  gql<T = Record<string, unknown>>(
    query: string,
    options?: { variables?: Record<string, unknown>; tenant?: string; token?: string },
  ): Promise<GraphQLResponse<T>>;
  token(role: ApiRole, tenantId: string, userId?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startTestApi(db: TestDatabase, options: { redisUrl?: string } = {}): Promise<TestApi> {
  const api = await createApi({
    authDatabaseUrl: db.authUrl,
    redisUrl: options.redisUrl,
    jwtSecret: TEST_JWT_SECRET,
    graphiql: true,
    logger: createLogger('test-api', process.env.TEST_LOG_LEVEL ?? 'silent'),
  });
  await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
  return {
    url,
    api,
    async gql(query, { variables, tenant, token } = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (tenant !== undefined) headers['x-tenant'] = tenant;
      if (token !== undefined) headers.authorization = `Bearer ${token}`;
      const response = await fetch(`${url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
      return { status: response.status, ...((await response.json()) as object) };
    },
    token: (role, tenantId, userId = '00000000-0000-4000-8000-0000000000aa') => signToken({ role, tenantId, userId }, TEST_JWT_SECRET),
    close: () => api.close(),
  };
}
