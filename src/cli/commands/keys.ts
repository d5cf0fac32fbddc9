/** `descent keys create|list|revoke`: API keys and the tenants they belong to. */
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../../config/config.ts';
import { createApiKeyRepository, type ApiKeyRepository, type ApiKeyWithTenant } from '../../db/api-keys.ts';
import { createDatabase } from '../../db/client.ts';
import type { Command } from '../main.ts';
import { processOutput, type CommandOutput } from '../output.ts';
import { errorMessage } from '../../core/error-message.ts';
import { optionErrorMessage } from '../option-error.ts';

const help = `Usage:
  descent keys create --tenant NAME [--name LABEL]   print a new API key (creates the tenant if needed)
  descent keys list [--tenant NAME]                  list keys (never the keys themselves)
  descent keys revoke <id|prefix>                    revoke a key at once

'create' prints only the key on stdout (so KEY=$(npx descent keys create --tenant demo) works)
and the key's id and prefix on stderr. The key is shown once: only its hash is stored.

Environment:
  DATABASE_URL   default postgresql://postgres@127.0.0.1:5432/descent`;

class UsageError extends Error {}

function describeKey(apiKey: ApiKeyWithTenant): string[] {
  const state = apiKey.revokedAt === null ? 'active' : `revoked ${apiKey.revokedAt.toISOString()}`;
  return [apiKey.id, apiKey.prefix, apiKey.tenant.name, apiKey.createdAt.toISOString(), state, apiKey.name ?? ''];
}

/** Rows of cells as lines, each column as wide as its widest cell (a tenant's name or a revoked state is of any length). */
function aligned(rows: readonly string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
}

async function create(apiKeys: ApiKeyRepository, args: string[], output: CommandOutput): Promise<number> {
  const { values } = parseArgs({ args, options: { tenant: { type: 'string' }, name: { type: 'string' } } });
  if (!values.tenant?.trim()) throw new UsageError('keys create needs --tenant NAME');
  const { key, apiKey } = await apiKeys.create(values.tenant.trim(), values.name);
  output.out(key);
  output.err(`created key ${apiKey.prefix} (id ${apiKey.id}) for tenant ${apiKey.tenant.name}; it is not shown again`);
  return 0;
}

async function list(apiKeys: ApiKeyRepository, args: string[], output: CommandOutput): Promise<number> {
  const { values } = parseArgs({ args, options: { tenant: { type: 'string' } } });
  const keys = await apiKeys.list(values.tenant);
  for (const line of aligned([['id', 'prefix', 'tenant', 'created', 'state', 'name'], ...keys.map(describeKey)])) output.out(line);
  return 0;
}

async function revoke(apiKeys: ApiKeyRepository, args: string[], output: CommandOutput): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw new UsageError('keys revoke needs one key id or prefix');
  const apiKey = await apiKeys.revoke(positionals[0]!);
  if (!apiKey) {
    output.err(`descent keys: no key with id or prefix ${positionals[0]}`);
    return 1;
  }
  output.out(`revoked ${apiKey.prefix} (id ${apiKey.id}) of tenant ${apiKey.tenant.name}`);
  return 0;
}

const actions = { create, list, revoke };

/** The command with its configuration and output given, as tests call it. */
export async function runKeys(args: string[], config: Config, output: CommandOutput): Promise<number> {
  const [action, ...rest] = args;
  const perform = actions[action as keyof typeof actions];
  if (!perform) {
    output.err(`descent keys: ${action === undefined ? 'missing' : `unknown action '${action}',`} expected create, list or revoke\n\n${help}`);
    return 2;
  }
  const database = createDatabase(config.databaseUrl, config.databaseStatementTimeoutMs);
  try {
    return await perform(createApiKeyRepository(database), rest, output);
  } catch (error) {
    const parsing = (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true;
    output.err(`descent keys: ${parsing ? optionErrorMessage(error as Error) : errorMessage(error)}`);
    const usage = error instanceof UsageError || parsing;
    return usage ? 2 : 1;
  } finally {
    await database.$disconnect();
  }
}

export const command: Command = {
  summary: 'create, list and revoke API keys',
  help,
  execute: (args) => runKeys(args, loadConfig(), processOutput),
};
