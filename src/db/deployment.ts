/** The deployment's identity: the one row of `deployment`, made by the migration that created the table. */
import type { Database } from './client.ts';

export async function deploymentId(database: Database): Promise<string> {
  const row = await database.deployment.findFirst({ orderBy: { createdAt: 'asc' } });
  if (!row) throw new Error('the database has no deployment identity; run `descent migrate`');
  return row.id;
}
