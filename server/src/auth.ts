// Request identity: a bearer JWT (HS256, verified with jose) or an anonymous visitor of a tenant
// named by the X-Tenant header. The result becomes the transaction's pgSettings.
import type { Request } from 'express';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';

export const API_ROLES = ['app_customer', 'app_staff', 'app_admin'] as const;
export type ApiRole = (typeof API_ROLES)[number];
export const JWT_ISSUER = 'slotwise';
export const JWT_AUDIENCE = 'slotwise-api';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

export type RequestIdentity =
  | { kind: 'anonymous'; tenantSlug: string | null }
  | { kind: 'user'; role: ApiRole; tenantId: string; userId: string };
export type IdentifiedRequest = Request & { identity?: RequestIdentity };
export const anonymousIdentity: RequestIdentity = { kind: 'anonymous', tenantSlug: null };

/** An authentication problem answered with an HTTP status and a stable code (db/ERRORS.md). */
export class AuthError extends Error {
  constructor(
    message: string,
    readonly code: 'INVALID_TOKEN' | 'INVALID_TENANT',
    readonly status: number,
  ) {
    super(message);
  }
}

export interface TokenClaims {
  role: ApiRole;
  tenantId: string;
  userId: string;
}

function key(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export async function signToken(claims: TokenClaims, secret: string, expiresIn: string | number = '8h'): Promise<string> {
  return new SignJWT({ role: claims.role, tenant_id: claims.tenantId })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.userId)
    .setIssuer(JWT_ISSUER)
    .setAudience(JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(key(secret));
}

export async function identify(headers: { authorization?: string | undefined; 'x-tenant'?: string | string[] | undefined }, secret: string): Promise<RequestIdentity> {
  const authorization = headers.authorization;
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) throw new AuthError('Authorization header must be "Bearer <token>"', 'INVALID_TOKEN', 401);
    let payload;
    try {
      ({ payload } = await jwtVerify(match[1]!, key(secret), { issuer: JWT_ISSUER, audience: JWT_AUDIENCE, algorithms: ['HS256'] }));
    } catch (error) {
      const reason = error instanceof joseErrors.JWTExpired ? 'token expired' : 'token invalid';
      throw new AuthError(`Bearer ${reason}`, 'INVALID_TOKEN', 401);
    }
    const { role, tenant_id: tenantId, sub: userId } = payload as { role?: unknown; tenant_id?: unknown; sub?: unknown };
    if (typeof role !== 'string' || !(API_ROLES as readonly string[]).includes(role)) {
      throw new AuthError('Bearer token names no valid role', 'INVALID_TOKEN', 401);
    }
    if (typeof tenantId !== 'string' || !UUID.test(tenantId) || typeof userId !== 'string' || !UUID.test(userId)) {
      throw new AuthError('Bearer token needs uuid claims tenant_id and sub', 'INVALID_TOKEN', 401);
    }
    return { kind: 'user', role: role as ApiRole, tenantId, userId };
  }
  const raw = headers['x-tenant'];
  const slug = Array.isArray(raw) ? raw[0] : raw;
  if (slug === undefined || slug === '') return { kind: 'anonymous', tenantSlug: null };
  if (!SLUG.test(slug)) throw new AuthError('X-Tenant must be a tenant slug (letters, digits, dashes)', 'INVALID_TENANT', 400);
  return { kind: 'anonymous', tenantSlug: slug.toLowerCase() };
}

/** The Postgres settings of one request's transaction: the role to switch to and its claims. */
export function pgSettingsFor(identity: RequestIdentity): Record<string, string> {
  if (identity.kind === 'anonymous') {
    return identity.tenantSlug ? { role: 'app_anonymous', 'app.tenant_slug': identity.tenantSlug } : { role: 'app_anonymous' };
  }
  return {
    role: identity.role,
    'jwt.claims.role': identity.role,
    'jwt.claims.tenant_id': identity.tenantId,
    'jwt.claims.user_id': identity.userId,
  };
}
