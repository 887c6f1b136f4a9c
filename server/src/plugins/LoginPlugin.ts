// `login(input: {tenant, email, password})`: checks the password in SQL (app_private.authenticate,
// bcrypt via pgcrypto) and signs a JWT for the role, tenant and user it returns. Bad credentials
// surface as the registered CREDS error.
import { sideEffectWithPgClientTransaction } from 'postgraphile/@dataplan/pg';
import { extendSchema } from 'postgraphile/utils';
import { API_ROLES, signToken, type ApiRole } from '../auth.ts';
import { isoOf, nowMs } from '../time.ts';

export interface LoginOptions {
  jwtSecret: string;
  /** Token lifetime in seconds. */
  ttlSeconds: number;
}

interface LoginArgs {
  tenant: string;
  email: string;
  password: string;
}

export function makeLoginPlugin(options: LoginOptions): GraphileConfig.Plugin {
  return extendSchema(
    (build) => ({
      typeDefs: /* GraphQL */ `
        input LoginInput {
          "Slug of the tenant to log in to."
          tenant: String!
          email: String!
          password: String!
        }
        type LoginPayload {
          "Bearer token for the Authorization header."
          token: String!
          "The API role the token grants: app_customer, app_staff or app_admin."
          role: String!
          tenantId: UUID!
          userId: UUID!
          expiresAt: Datetime!
        }
        extend type Mutation {
          "Exchanges an email and password for a JWT scoped to one tenant. Fails with CREDS."
          login(input: LoginInput!): LoginPayload
        }
      `,
      objects: {
        Mutation: {
          plans: {
            login(_$root, fieldArgs) {
              const $input = fieldArgs.getRaw('input') as never;
              const $result = sideEffectWithPgClientTransaction(build.pgExecutor, $input, async (client, input: LoginArgs) => {
                const { rows } = await client.query<{ role: string; tenant_id: string; user_id: string }>({
                  text: 'select role, tenant_id, user_id from app_private.authenticate($1, $2, $3)',
                  values: [input.tenant, input.email, input.password],
                });
                const row = rows[0];
                if (!row || !(API_ROLES as readonly string[]).includes(row.role)) throw new Error('authenticate returned no usable role');
                const expiresAtMs = nowMs() + options.ttlSeconds * 1000;
                const token = await signToken(
                  { role: row.role as ApiRole, tenantId: row.tenant_id, userId: row.user_id },
                  options.jwtSecret,
                  Math.floor(expiresAtMs / 1000),
                );
                return { token, role: row.role, tenantId: row.tenant_id, userId: row.user_id, expiresAt: isoOf(expiresAtMs) };
              });
              // LoginPayload's fields read the object's properties by name.
              return $result;
            },
          },
        },
      },
    }),
    'LoginPlugin',
  );
}
