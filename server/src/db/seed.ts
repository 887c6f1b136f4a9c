// Loads db/seed/demo.sql once per database; app_private.installation remembers that it did.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { withClient } from './connection.ts';

const DEMO_SQL = fileURLToPath(new URL('../../../db/seed/demo.sql', import.meta.url));

/** Returns true when it loaded the demo data now, false when it had been loaded before. */
export async function seedDemo(ownerUrl: string, options: { force?: boolean } = {}): Promise<boolean> {
  const sql = await readFile(DEMO_SQL, 'utf8');
  return withClient(ownerUrl, async (client) => {
    await client.query('begin');
    try {
      // The lock serialises two starts racing on the same database.
      await client.query(`lock table app_private.installation in exclusive mode`);
      const seen = await client.query(`select 1 from app_private.installation where key = 'demo_seeded_at'`);
      if (seen.rowCount && !options.force) {
        await client.query('rollback');
        return false;
      }
      await client.query(sql);
      await client.query(
        `insert into app_private.installation (key, value) values ('demo_seeded_at', now()::text)
         on conflict (key) do update set value = excluded.value, updated_at = now()`,
      );
      await client.query('commit');
      return true;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    }
  });
}
