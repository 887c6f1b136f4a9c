// Small helpers around node-postgres connection strings and one-off clients.
import pg from 'pg';

/** Returns the connection string with its user, password or database replaced. */
export function withCredentials(connectionString: string, parts: { user?: string; password?: string; database?: string }): string {
  const url = new URL(connectionString);
  if (parts.user !== undefined) url.username = encodeURIComponent(parts.user);
  if (parts.password !== undefined) url.password = encodeURIComponent(parts.password);
  if (parts.database !== undefined) url.pathname = `/${encodeURIComponent(parts.database)}`;
  return url.toString();
}

export function databaseName(connectionString: string): string {
  const name = decodeURIComponent(new URL(connectionString).pathname.replace(/^\//, ''));
  if (!name) throw new Error('connection string names no database');
  return name;
}

/** Runs `fn` with a fresh client and always closes it. */
export async function withClient<T>(connectionString: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined); // a terminated backend surfaces as a failed query instead
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Describes a connection error in one line for operators (no stack trace). */
export function describeConnectionError(error: unknown, label: string, connectionString: string): string {
  const url = new URL(connectionString);
  const where = `${url.hostname}:${url.port || 5432}/${url.pathname.replace(/^\//, '')} as ${decodeURIComponent(url.username) || '(default user)'}`;
  const err = error as { code?: string; message?: string };
  if (err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND' || err.code === 'EHOSTUNREACH' || err.code === 'ETIMEDOUT' || /timeout/i.test(err.message ?? '')) {
    return `${label}: cannot reach PostgreSQL at ${where} (${err.code ?? err.message})`;
  }
  if (err.code === '28P01' || err.code === '28000') return `${label}: PostgreSQL rejected the login for ${where} (${err.message})`;
  if (err.code === '3D000') return `${label}: database does not exist at ${where}; run npm run db:setup or set ROOT_DATABASE_URL`;
  return `${label}: ${where}: ${err.message ?? String(error)}`;
}
