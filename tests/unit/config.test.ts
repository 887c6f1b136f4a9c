import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/src/config.ts';

describe('loadConfig', () => {
  it('defaults to the embedded database and development mode', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBeUndefined();
    expect([config.apiPort, config.webPort, config.host]).toEqual([4000, 3000, '127.0.0.1']);
    expect(config.graphiql).toBe(true);
    expect(config.jwtSecretGenerated).toBe(true);
    expect(config.jwtSecret.length).toBeGreaterThanOrEqual(32);
  });

  it('uses DATABASE_URL for the API unless AUTH_DATABASE_URL is given', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://a@h/db' }).authDatabaseUrl).toBe('postgres://a@h/db');
    expect(loadConfig({ DATABASE_URL: 'postgres://a@h/db', AUTH_DATABASE_URL: 'postgres://b@h/db' }).authDatabaseUrl).toBe('postgres://b@h/db');
  });

  it('rejects bad values with a one-line ConfigError', () => {
    expect(() => loadConfig({ API_PORT: '70000' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL is not a valid/);
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/at least 32/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET is required/);
    expect(() => loadConfig({ GRAPHIQL: 'maybe' })).toThrow(/true or false/);
  });

  it('turns the IDE off in production unless asked', () => {
    const secret = 'x'.repeat(32);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: secret }).graphiql).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: secret, GRAPHIQL: 'true' }).graphiql).toBe(true);
  });
});
