// Server-side GraphQL client for the public page. Only imported from Server Components: it reads
// API_URL / TENANT_SLUG from the server environment (neither is NEXT_PUBLIC_, so neither reaches
// the browser bundle).

export const DEFAULT_API_URL = 'http://127.0.0.1:4000/graphql';
export const DEFAULT_TENANT_SLUG = 'meridian';
const DEFAULT_TIMEOUT_MS = 5_000;

export interface ApiConfig {
  url: string;
  tenantSlug: string;
  timeoutMs: number;
}

export function apiConfig(env: Record<string, string | undefined> = process.env): ApiConfig {
  return {
    url: env.API_URL?.trim() || DEFAULT_API_URL,
    tenantSlug: env.TENANT_SLUG?.trim() || DEFAULT_TENANT_SLUG,
    timeoutMs: DEFAULT_TIMEOUT_MS,
  };
}

export const HOME_PAGE_QUERY = /* GraphQL */ `
  query HomePage {
    currentTenant { name slug }
    locations(orderBy: NAME_ASC) {
      nodes {
        id name timeZone timeZoneAbbreviation localTime address
        openingHours
        services(orderBy: NAME_ASC) { nodes { id rowId name description durationMinutes priceCents currency requirements { totalCount } } }
      }
    }
  }
`;

export interface ServiceNode {
  id: string;
  /** The service's UUID (what availableSlots takes). */
  rowId: string;
  name: string;
  /** How many kinds of resource the service needs (practitioner, room, device...). */
  requirements?: { totalCount: number } | null;
  description: string | null;
  durationMinutes: number;
  priceCents: number | null;
  currency: string | null;
}

export interface LocationNode {
  id: string;
  name: string;
  /** IANA zone, e.g. "America/Phoenix". */
  timeZone: string;
  /** tzdata abbreviation in force now, e.g. "MST", "+0545". */
  timeZoneAbbreviation: string | null;
  /** Current wall-clock time at the location, "YYYY-MM-DDTHH:MM:SS" (no offset). */
  localTime: string;
  address: string | null;
  /** JSON scalar: [{ weekday: 1..7, opens: "08:00", closes: "18:00" }]; normalise with parseOpeningHours. */
  openingHours: unknown;
  services: { nodes: ServiceNode[] };
}

export interface HomePageData {
  currentTenant: { name: string; slug: string } | null;
  locations: { nodes: LocationNode[] } | null;
}

export type ApiErrorKind = 'unreachable' | 'timeout' | 'http' | 'graphql' | 'bad-response' | 'unknown-tenant';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly kind: ApiErrorKind;
  /** GraphQL `errors[0].extensions.code`, when the API sent one. */
  readonly code: string | null;
  /** HTTP status of the API response, when there was one. */
  readonly status: number | null;

  constructor(kind: ApiErrorKind, message: string, opts: { code?: string | null; status?: number | null; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.kind = kind;
    this.code = opts.code ?? null;
    this.status = opts.status ?? null;
  }
}

/**
 * A failure as plain data, safe to pass as a prop: an Error instance (with its `cause` chain) must
 * not be handed to components, since React's dev-mode debug channel serialises server component
 * props and chokes on nested fetch errors.
 */
export interface ApiFailure {
  kind: ApiErrorKind;
  message: string;
  code: string | null;
  status: number | null;
}

export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ApiFailure };

function describeCause(cause: unknown): string {
  const parts: string[] = [];
  for (let c = cause, depth = 0; c instanceof Error && depth < 4; c = c.cause, depth++) {
    const code = (c as Error & { code?: unknown }).code;
    parts.push(typeof code === 'string' ? `${c.message} [${code}]` : c.message);
  }
  return parts.join(' <- ');
}

interface GraphQLErrorShape {
  message?: unknown;
  extensions?: { code?: unknown } | null;
}

interface GraphQLResponseShape<T> {
  data?: T | null;
  errors?: GraphQLErrorShape[] | null;
}

/**
 * POSTs one GraphQL operation as an anonymous visitor of `tenantSlug` (header `X-Tenant`).
 * Resolves with `data`, or throws an ApiError: unreachable/timeout, non-JSON or non-2xx response,
 * or a response carrying `errors` (message and `extensions.code` of the first error).
 */
export async function graphqlRequest<T>(
  query: string,
  options: { operationName?: string; variables?: Record<string, unknown>; config?: ApiConfig; fetchImpl?: typeof fetch } = {},
): Promise<T> {
  const config = options.config ?? apiConfig();
  const doFetch = options.fetchImpl ?? fetch;
  let response: Response;
  try {
    response = await doFetch(config.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json;q=0.9',
        'x-tenant': config.tenantSlug,
      },
      body: JSON.stringify({ query, operationName: options.operationName, variables: options.variables ?? {} }),
      cache: 'no-store',
      signal: AbortSignal.timeout(config.timeoutMs),
    });
  } catch (cause) {
    const timedOut = cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
    throw timedOut
      ? new ApiError('timeout', `The scheduling API did not answer within ${config.timeoutMs} ms.`, { cause })
      : new ApiError('unreachable', 'The scheduling API could not be reached.', { cause });
  }

  let body: GraphQLResponseShape<T> | null = null;
  try {
    body = (await response.json()) as GraphQLResponseShape<T>;
  } catch {
    body = null;
  }

  const firstError = Array.isArray(body?.errors) ? body.errors[0] : undefined;
  if (firstError) {
    const code = typeof firstError.extensions?.code === 'string' ? firstError.extensions.code : null;
    const message = typeof firstError.message === 'string' ? firstError.message : 'The scheduling API returned an error.';
    throw new ApiError('graphql', message, { code, status: response.status });
  }
  if (!response.ok) {
    throw new ApiError('http', `The scheduling API answered HTTP ${response.status}.`, { status: response.status });
  }
  if (!body || typeof body !== 'object' || body.data == null) {
    throw new ApiError('bad-response', 'The scheduling API returned a response without data.', { status: response.status });
  }
  return body.data;
}

/** Data for `/`. Never throws: failures come back as `{ ok: false, error }` for the error panel. */
export async function fetchHomePage(config: ApiConfig = apiConfig()): Promise<ApiResult<HomePageData>> {
  try {
    const data = await graphqlRequest<HomePageData>(HOME_PAGE_QUERY, { operationName: 'HomePage', config });
    if (!data.currentTenant) {
      throw new ApiError('unknown-tenant', `No tenant matches "${config.tenantSlug}".`);
    }
    return { ok: true, data };
  } catch (err) {
    const error = err instanceof ApiError ? err : new ApiError('bad-response', err instanceof Error ? err.message : String(err), { cause: err });
    const cause = error.cause === undefined ? '' : ` (cause: ${describeCause(error.cause)})`;
    console.error(`[web] HomePage query failed: ${error.kind}${error.code ? ` ${error.code}` : ''}: ${error.message}${cause}`);
    return { ok: false, error: { kind: error.kind, message: error.message, code: error.code, status: error.status } };
  }
}

export interface SlotNode {
  start: string;
  startLocal: string;
  abbreviation: string;
  assignments: { requirementName: string; resources: { name: string }[] }[];
}

export interface ServiceSlots {
  serviceId: string;
  slots: SlotNode[];
}

/**
 * The next bookable slots of several services in one request (aliased availableSlots fields),
 * searching `days` ahead from `now`. Never throws: a failure yields an empty list and a log line.
 */
export async function fetchNextSlots(
  serviceIds: readonly string[],
  now: Date,
  options: { days?: number; perService?: number; config?: ApiConfig } = {},
): Promise<ApiResult<ServiceSlots[]>> {
  if (serviceIds.length === 0) return { ok: true, data: [] };
  const days = options.days ?? 7;
  const first = options.perService ?? 6;
  const fields = serviceIds
    .map((_, i) => `s${i}: availableSlots(serviceId: $s${i}, from: $from, to: $to, first: ${first}) {
        nodes { start startLocal abbreviation assignments { requirementName resources { name } } } }`)
    .join('\n');
  const query = `query NextSlots($from: Datetime!, $to: Datetime!, ${serviceIds.map((_, i) => `$s${i}: UUID!`).join(', ')}) {\n${fields}\n}`;
  const variables: Record<string, unknown> = { from: now.toISOString(), to: new Date(now.getTime() + days * 86_400_000).toISOString() };
  serviceIds.forEach((id, i) => (variables[`s${i}`] = id));
  try {
    const data = await graphqlRequest<Record<string, { nodes: SlotNode[] }>>(query, { operationName: 'NextSlots', variables, config: options.config });
    return { ok: true, data: serviceIds.map((serviceId, i) => ({ serviceId, slots: data[`s${i}`]?.nodes ?? [] })) };
  } catch (err) {
    const error = err instanceof ApiError ? err : new ApiError('bad-response', err instanceof Error ? err.message : String(err));
    console.error(`[web] NextSlots query failed: ${error.kind}${error.code ? ` ${error.code}` : ''}: ${error.message}`);
    return { ok: false, error: { kind: error.kind, message: error.message, code: error.code, status: error.status } };
  }
}
