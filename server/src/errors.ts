// Error masking: registered SQLSTATEs (db/ERRORS.md) reach clients as extensions.code; the rest is
// logged and replaced by a generic INTERNAL error, so no SQL or stack detail leaks.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GraphQLError } from 'postgraphile/graphql';
import type { Logger } from './logger.ts';

export const ERRORS_FILE = fileURLToPath(new URL('../../db/ERRORS.md', import.meta.url));

/** SQLSTATE -> API code, read from the tables of db/ERRORS.md (rows shaped | `CODE` | `API` | ...). */
export function loadRegisteredCodes(markdown = readFileSync(ERRORS_FILE, 'utf8')): Map<string, string> {
  const codes = new Map<string, string>();
  for (const match of markdown.matchAll(/^\|\s*`([0-9A-Z]{5})`\s*\|\s*`([A-Z_0-9]+)`\s*\|/gm)) {
    codes.set(match[1]!, match[2]!);
  }
  return codes;
}

interface DatabaseErrorLike {
  code: string;
  message: string;
  detail?: string;
  hint?: string;
  constraint?: string;
}

function databaseError(error: unknown): DatabaseErrorLike | undefined {
  let current = error as { code?: unknown; originalError?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; current && depth < 5; depth++) {
    if (typeof current.code === 'string' && /^[0-9A-Z]{5}$/.test(current.code)) return current as DatabaseErrorLike;
    current = (current.originalError ?? current.cause) as typeof current;
  }
  return undefined;
}

export function makeMaskError(logger: Logger, codes = loadRegisteredCodes()) {
  return function maskError(error: GraphQLError): GraphQLError {
    const original = error.originalError;
    // Validation and GraphQL-level errors carry no secrets and are meant for the client.
    if (!original || original instanceof GraphQLError) return error;
    const dbError = databaseError(original);
    const apiCode = dbError ? codes.get(dbError.code) : undefined;
    if (dbError && apiCode) {
      return new GraphQLError(dbError.message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        path: error.path,
        originalError: original,
        extensions: {
          code: apiCode,
          sqlstate: dbError.code,
          ...(dbError.hint ? { hint: dbError.hint } : {}),
          ...(dbError.constraint ? { constraint: dbError.constraint } : {}),
        },
      });
    }
    const errorId = randomUUID();
    logger.error({ errorId, err: original, path: error.path }, 'masked GraphQL error');
    return new GraphQLError(`An unexpected error occurred (error id ${errorId})`, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      originalError: original,
      extensions: { code: 'INTERNAL', errorId },
    });
  };
}
