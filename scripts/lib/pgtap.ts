// pgTAP runner without pg_prove or a system pgTAP package.
//
// pgTAP is installed into the target database's `public` schema from the SQL shipped inside
// @electric-sql/pglite-pgtap (a .tar.gz read here with zlib and a minimal tar reader), unless
// `public.plan(integer)` already exists. Each test file then runs as one multi-statement simple
// query on its own connection; the single-column text rows it returns are its TAP output.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import pg from 'pg';

export interface PgTapFileResult {
  file: string;
  /** Assertions that passed (failed TODO assertions count as passed, as in TAP). */
  passed: number;
  /** Assertions that failed. */
  failed: number;
  /** N of the `1..N` plan line, null when the file printed none. */
  planned: number | null;
  /** No failed assertion, a plan that matches the number of assertions, and no SQL error. */
  ok: boolean;
  /** TAP lines, NOTICE/WARNING messages as `# ...` diagnostics, and the SQL error if any. */
  output: string[];
}

export interface PgTapResult {
  /** Files that passed. */
  passed: number;
  /** Files that failed. */
  failed: number;
  files: PgTapFileResult[];
}

export interface PgTapOptions {
  connectionString: string;
  files: string[];
  /** Receives a TAP stream while the files run: `1..F`, then per file its (indented) output and a verdict. */
  log?: (line: string) => void;
}

const PGTAP_VERSION = '1.3.5';
// The package exports only its JS entry points; the tarball sits next to them in dist/.
const PGTAP_PACKAGE = '@electric-sql/pglite-pgtap';
const PGTAP_TARBALL = 'pgtap.tar.gz';
const PGTAP_SQL_PATH = `share/postgresql/extension/pgtap--${PGTAP_VERSION}.sql`;
// Arbitrary constant for pg_advisory_xact_lock, so concurrent runners install pgTAP only once.
const INSTALL_LOCK_KEY = 7_151_470_835;

// Column types whose single-column rows are collected as output lines.
const TEXT_TYPE_OIDS = new Set([25 /* text */, 1043 /* varchar */, 1042 /* bpchar */, 19 /* name */, 705 /* unknown */]);

// psql meta-commands that only affect psql's own output or variables; dropping them is harmless.
const HARMLESS_META = new Set(['set', 'unset', 'pset', 'echo', 'qecho', 'timing', 't', 'a', 'x', 'q', 'quit', 'o']);

/** Files of a ustar/GNU tar archive (regular files only), name → contents. */
export function readTar(archive: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let offset = 0;
  let longName: string | null = null;
  const field = (start: number, length: number) => {
    const raw = archive.subarray(offset + start, offset + start + length);
    const end = raw.indexOf(0);
    return raw.subarray(0, end === -1 ? raw.length : end).toString('utf8');
  };
  while (offset + 512 <= archive.length) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break; // end-of-archive marker
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    const magic = field(257, 6);
    let name = field(0, 100);
    if (magic.startsWith('ustar')) {
      const prefix = field(345, 155);
      if (prefix) name = `${prefix}/${name}`;
    }
    const dataStart = offset + 512;
    const data = archive.subarray(dataStart, dataStart + size);
    offset = dataStart + Math.ceil(size / 512) * 512;

    if (type === 'L') {
      // GNU long name: the data is the name of the next entry.
      longName = data.toString('utf8').replace(/\0+$/, '');
      continue;
    }
    if (type === 'x') {
      // pax extended header: look for a path record.
      const match = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
      if (match) longName = match[1]!;
      continue;
    }
    if (type === 'g') continue;
    if (longName !== null) {
      name = longName;
      longName = null;
    }
    if (type === '0' || type === '\0') files.set(name.replace(/^\.\//, ''), data);
  }
  return files;
}

/**
 * Removes psql meta-commands (lines starting with a backslash) and returns the remaining SQL with
 * the line structure unchanged, plus the commands that were dropped.
 */
export function stripPsqlMetaCommands(sql: string): { sql: string; dropped: string[] } {
  const dropped: string[] = [];
  const lines = sql.split('\n').map((line) => {
    if (!/^\s*\\/.test(line)) return line;
    dropped.push(line.trim());
    return '';
  });
  return { sql: lines.join('\n'), dropped };
}

let cachedPgTapSql: string | null = null;

/** The pgTAP install script from the tarball in node_modules, ready to run in schema `public`. */
export function pgTapInstallSql(): string {
  if (cachedPgTapSql !== null) return cachedPgTapSql;
  const require = createRequire(import.meta.url);
  const tarball = path.join(path.dirname(require.resolve(PGTAP_PACKAGE)), PGTAP_TARBALL);
  const files = readTar(gunzipSync(readFileSync(tarball)));
  const script = files.get(PGTAP_SQL_PATH);
  if (!script) throw new Error(`${PGTAP_SQL_PATH} not found in ${tarball}`);
  cachedPgTapSql = stripPsqlMetaCommands(script.toString('utf8')).sql.replaceAll('@extschema@', 'public');
  return cachedPgTapSql;
}

/**
 * Makes pgTAP available in `public` (no-op when `public.plan(integer)` exists). Uses
 * `create extension pgtap` when the server has the package, else the bundled SQL script.
 * Returns how pgTAP got there.
 */
export async function installPgTap(client: pg.Client): Promise<'present' | 'extension' | 'sql'> {
  await client.query('begin');
  try {
    await client.query('select pg_advisory_xact_lock($1)', [INSTALL_LOCK_KEY]);
    const present = await client.query(`select to_regprocedure('public.plan(integer)') is not null as present`);
    if (present.rows[0]?.present === true) {
      await client.query('commit');
      return 'present';
    }

    // Functions of `public` before the install: everything else afterwards is pgTAP's.
    await client.query(
      `create temp table pgtap_install_before on commit drop as
         select oid from pg_catalog.pg_proc where pronamespace = 'public'::regnamespace`,
    );
    let how: 'extension' | 'sql' = 'sql';
    const available = await client.query(`select 1 from pg_catalog.pg_available_extensions where name = 'pgtap'`);
    if (available.rowCount) {
      await client.query('savepoint pgtap_extension');
      try {
        await client.query('create extension if not exists pgtap with schema public');
        how = 'extension';
      } catch {
        // Not allowed for this user, or a broken package: fall back to the bundled script.
        await client.query('rollback to savepoint pgtap_extension');
      }
    }
    if (how === 'sql') {
      await client.query(`set local search_path = public`);
      await client.query(pgTapInstallSql());
    }
    // Callable by every role the tests switch into, whatever default privileges say.
    await client.query('grant usage on schema public to public');
    await client.query(`do $$
      declare f regprocedure;
      begin
        for f in select p.oid from pg_catalog.pg_proc p
                  where p.pronamespace = 'public'::regnamespace
                    and p.oid not in (select oid from pgtap_install_before)
        loop
          execute format('grant execute on function %s to public', f);
        end loop;
      end
    $$`);
    await client.query('commit');
    return how;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  }
}

interface PgErrorFields {
  message?: string;
  severity?: string;
  code?: string;
  detail?: string;
  hint?: string;
  position?: string;
  where?: string;
}

/** 1-based line and column of a 1-based character position in `text`. */
function lineAndColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, position - 1));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines[lines.length - 1]?.length ?? 0) + 1 };
}

function describeError(err: unknown, sql: string): string[] {
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as PgErrorFields;
  let head = `# ${e.severity ?? 'ERROR'}: ${e.message ?? String(err)}`;
  if (e.code) head += ` (SQLSTATE ${e.code})`;
  const position = Number(e.position);
  if (Number.isFinite(position) && position > 0) {
    const { line, column } = lineAndColumn(sql, position);
    head += ` at line ${line}, column ${column}`;
  }
  const lines = [head];
  if (e.detail) lines.push(`# DETAIL: ${e.detail}`);
  if (e.hint) lines.push(`# HINT: ${e.hint}`);
  if (e.where) lines.push(...e.where.split('\n').map((w) => `# CONTEXT: ${w}`));
  return lines;
}

/** Judges TAP output: counts assertions, reads the plan, adds a diagnostic for each problem. */
export function judgeTap(
  output: string[],
  sqlError: boolean,
): { passed: number; failed: number; planned: number | null; ok: boolean; problems: string[] } {
  let planned: number | null = null;
  let plans = 0;
  let passed = 0;
  let failed = 0;
  for (const line of output) {
    const test = /^(not )?ok\b/.exec(line);
    if (test) {
      // A directive is an unescaped `#` followed by TODO or SKIP; pgTAP escapes `#` in descriptions.
      const todo = /(?<!\\)#\s*TODO\b/i.test(line);
      if (test[1] && !todo) failed++;
      else passed++;
      continue;
    }
    const plan = /^1\.\.(\d+)\b/.exec(line);
    if (plan) {
      plans++;
      planned = Number(plan[1]);
    }
  }
  const problems: string[] = [];
  if (sqlError) problems.push('# SQL error: the file did not run to the end');
  if (plans === 0) problems.push('# No plan found in TAP output');
  else if (plans > 1) problems.push(`# More than one plan found in TAP output`);
  else if (planned !== passed + failed) problems.push(`# Planned ${planned} tests but ran ${passed + failed}`);
  if (failed > 0) problems.push(`# Failed ${failed}/${passed + failed} tests`);
  return { passed, failed, planned, ok: problems.length === 0, problems };
}

/** Runs one test file on a fresh connection. Never throws for problems inside the file. */
async function runFile(
  connectionString: string,
  file: string,
  emit: (line: string) => void,
): Promise<PgTapFileResult> {
  const output: string[] = [];
  const push = (line: string) => {
    output.push(line);
    emit(line);
  };

  let sql: string;
  try {
    const stripped = stripPsqlMetaCommands(readFileSync(file, 'utf8'));
    sql = stripped.sql;
    for (const command of stripped.dropped) {
      const name = /^\\(\w+)/.exec(command)?.[1] ?? '';
      if (!HARMLESS_META.has(name)) push(`# warning: psql meta-command ignored: ${command}`);
    }
  } catch (err) {
    push(`# ERROR: cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
    return { file, passed: 0, failed: 0, planned: null, ok: false, output };
  }

  const client = new pg.Client({ connectionString, application_name: `pgtap ${path.basename(file)}` });
  let connectionError: unknown = null;
  client.on('error', (err) => {
    connectionError = err;
  });
  let sqlError = false;
  let listening = true;
  client.on('notice', (notice) => {
    if (!listening) return;
    for (const line of (notice.message ?? '').split('\n')) push(`# ${notice.severity ?? 'NOTICE'}: ${line}`);
  });

  try {
    await client.connect();
    await new Promise<void>((resolve, reject) => {
      const query = new pg.Query(sql);
      query.on('row', (row: Record<string, unknown>, result) => {
        const fields = result?.fields ?? [];
        if (fields.length !== 1 || !TEXT_TYPE_OIDS.has(fields[0]!.dataTypeID)) return;
        const value = Object.values(row)[0];
        if (value === null || value === undefined) return;
        for (const line of String(value).split('\n')) push(line);
      });
      query.on('error', reject);
      query.on('end', () => resolve());
      client.query(query);
    });
  } catch (err) {
    sqlError = true;
    for (const line of describeError(err, sql)) push(line);
  } finally {
    listening = false;
    if (connectionError === null) {
      // Leave nothing behind when the file stopped half-way (no-op warning when it finished).
      await client.query('rollback').catch(() => undefined);
    }
    await client.end().catch(() => undefined);
  }

  const verdict = judgeTap(output, sqlError);
  for (const problem of verdict.problems) {
    if (problem.startsWith('# SQL error')) continue; // the error itself is already in the output
    push(problem);
  }
  return { file, passed: verdict.passed, failed: verdict.failed, planned: verdict.planned, ok: verdict.ok, output };
}

/** Installs pgTAP if needed, then runs the files in order, each on its own connection. */
export async function runPgTap(opts: PgTapOptions): Promise<PgTapResult> {
  const log = opts.log ?? (() => undefined);
  const installer = new pg.Client({ connectionString: opts.connectionString, application_name: 'pgtap install' });
  await installer.connect();
  try {
    const how = await installPgTap(installer);
    if (how !== 'present') log(`# installed pgTAP ${PGTAP_VERSION} into schema public (${how === 'sql' ? 'bundled SQL' : 'extension'})`);
  } finally {
    await installer.end();
  }

  log(`1..${opts.files.length}`);
  const files: PgTapFileResult[] = [];
  for (const [index, file] of opts.files.entries()) {
    log(`# ${file}`);
    const result = await runFile(opts.connectionString, file, (line) => log(`    ${line}`));
    files.push(result);
    const summary = `${result.passed}/${result.planned ?? result.passed + result.failed} passed`;
    log(`${result.ok ? 'ok' : 'not ok'} ${index + 1} - ${file} (${summary})`);
  }
  const passed = files.filter((f) => f.ok).length;
  return { passed, failed: files.length - passed, files };
}
