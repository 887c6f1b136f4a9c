import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { AuthError, identify, pgSettingsFor, signToken, JWT_AUDIENCE, JWT_ISSUER } from '../../server/src/auth.ts';

const SECRET = 'unit-test-secret-with-at-least-32-chars';
const TENANT = '10000000-0000-4000-8000-000000000001';
const USER = '00000000-0000-4000-8000-0000000000aa';

async function rejects(headers: Parameters<typeof identify>[0]): Promise<AuthError> {
  const error = await identify(headers, SECRET).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AuthError);
  return error as AuthError;
}

describe('identify', () => {
  it('turns a valid token into role, tenant and user settings', async () => {
    const token = await signToken({ role: 'app_staff', tenantId: TENANT, userId: USER }, SECRET);
    const identity = await identify({ authorization: `Bearer ${token}` }, SECRET);
    expect(pgSettingsFor(identity)).toEqual({
      role: 'app_staff',
      'jwt.claims.role': 'app_staff',
      'jwt.claims.tenant_id': TENANT,
      'jwt.claims.user_id': USER,
    });
  });

  it('makes anonymous visitors app_anonymous with the slug they name', async () => {
    expect(pgSettingsFor(await identify({ 'x-tenant': 'Meridian' }, SECRET))).toEqual({ role: 'app_anonymous', 'app.tenant_slug': 'meridian' });
    expect(pgSettingsFor(await identify({}, SECRET))).toEqual({ role: 'app_anonymous' });
  });

  it('rejects tokens signed with another secret', async () => {
    const token = await signToken({ role: 'app_admin', tenantId: TENANT, userId: USER }, 'another-secret-that-is-32-characters!!');
    expect((await rejects({ authorization: `Bearer ${token}` })).code).toBe('INVALID_TOKEN');
  });

  it('rejects expired tokens', async () => {
    const token = await signToken({ role: 'app_admin', tenantId: TENANT, userId: USER }, SECRET, Math.floor(Date.now() / 1000) - 60);
    expect((await rejects({ authorization: `Bearer ${token}` })).message).toMatch(/expired/);
  });

  it('rejects roles the API does not switch to (e.g. a forged superuser role)', async () => {
    const token = await new SignJWT({ role: 'postgres', tenant_id: TENANT })
      .setProtectedHeader({ alg: 'HS256' }).setSubject(USER).setIssuer(JWT_ISSUER).setAudience(JWT_AUDIENCE).setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    expect((await rejects({ authorization: `Bearer ${token}` })).message).toMatch(/no valid role/);
  });

  it('rejects tokens without a uuid tenant', async () => {
    const token = await new SignJWT({ role: 'app_staff', tenant_id: 'meridian' })
      .setProtectedHeader({ alg: 'HS256' }).setSubject(USER).setIssuer(JWT_ISSUER).setAudience(JWT_AUDIENCE).setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    expect((await rejects({ authorization: `Bearer ${token}` })).code).toBe('INVALID_TOKEN');
  });

  it('rejects a non-bearer authorization header and a malformed slug', async () => {
    expect((await rejects({ authorization: 'Basic dXNlcjpwYXNz' })).status).toBe(401);
    const bad = await rejects({ 'x-tenant': '../etc' });
    expect([bad.code, bad.status]).toEqual(['INVALID_TENANT', 400]);
  });
});
