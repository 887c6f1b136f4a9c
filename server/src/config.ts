// Environment configuration, read once. Every variable is documented in README.md#configuration.
import { randomBytes } from 'node:crypto';

/** A configuration problem the operator must fix; printed as one line, exit code 78 (EX_CONFIG). */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface AppConfig {
  /** Owner connection: migrations, seed, worker. Undefined means "start the embedded Postgres". */
  databaseUrl: string | undefined;
  /** The API's connection (the authenticator role); must not bypass RLS. */
  authDatabaseUrl: string | undefined;
  /** Superuser connection used only to create roles and databases (db:setup, db:reset). */
  rootDatabaseUrl: string | undefined;
  redisUrl: string | undefined;
  host: string;
  apiPort: number;
  webPort: number;
  jwtSecret: string;
  jwtSecretGenerated: boolean;
  dataDir: string;
  production: boolean;
  graphiql: boolean;
  logLevel: string;
  seedDemo: boolean;
}

function port(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new ConfigError(`${name}=${raw} is not a valid TCP port (0-65535)`);
  }
  return value;
}

function flag(name: string, fallback: boolean, env: NodeJS.ProcessEnv): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name}=${raw} must be true or false`);
}

function url(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  try {
    const parsed = new URL(raw);
    if (!/^postgres(ql)?:$|^rediss?:$/.test(parsed.protocol)) throw new Error('scheme');
  } catch {
    throw new ConfigError(`${name} is not a valid postgres:// or redis:// URL`);
  }
  return raw;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const production = env.NODE_ENV === 'production';
  const databaseUrl = url('DATABASE_URL', env);
  const jwtSecret = env.JWT_SECRET ?? '';
  if (jwtSecret !== '' && jwtSecret.length < 32) {
    throw new ConfigError('JWT_SECRET must be at least 32 characters');
  }
  if (production && jwtSecret === '') {
    throw new ConfigError('JWT_SECRET is required when NODE_ENV=production');
  }
  return {
    databaseUrl,
    authDatabaseUrl: url('AUTH_DATABASE_URL', env) ?? databaseUrl,
    rootDatabaseUrl: url('ROOT_DATABASE_URL', env),
    redisUrl: url('REDIS_URL', env),
    host: env.HOST || '127.0.0.1',
    apiPort: port('API_PORT', 4000, env),
    webPort: port('PORT', 3000, env),
    jwtSecret: jwtSecret || randomBytes(32).toString('base64url'),
    jwtSecretGenerated: jwtSecret === '',
    dataDir: env.DATA_DIR || '.data',
    production,
    graphiql: flag('GRAPHIQL', !production, env),
    logLevel: env.LOG_LEVEL || 'info',
    seedDemo: flag('SEED_DEMO', true, env),
  };
}
