/**
 * API keys. A key is `dsc_<8 characters>_<43 characters>` with 256 bits of randomness; only its
 * sha256 is stored, so a plain hash (no salt, no slow KDF) is enough: nobody can brute-force
 * 256 random bits. The `dsc_<12 hex digits>` prefix identifies a key in listings and revocation.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Coalescer } from '../concurrency/coalescer.ts';
import type { Database } from './client.ts';
import type { Pool } from './pool.ts';
import { statementBatchLimits } from './statement-batches.ts';
import type { ApiKey, Tenant } from '../generated/prisma/client.ts';
import { isUuid } from './uuid.ts';

;

export interface ApiKeyWithTenant extends ApiKey {
  readonly tenant: Tenant;
}

export interface CreatedApiKey {
  /** The full key: shown once, never stored. */
  readonly key: string;
  readonly apiKey: ApiKeyWithTenant;
}

function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** `dsc_<12 hex digits>_<secret>`: the prefix is hex so that it never contains the separator. */
function newKey(): { key: string; prefix: string } {
  const prefix = `dsc_${randomBytes(6).toString('hex')}`;
  return { key: `${prefix}_${randomBytes(32).toString('base64url')}`, prefix };
}

export function createApiKeyRepository(database: Database) {
  return {
    /** Creates a key for the tenant `tenantName`, creating the tenant if it does not exist yet. */
    async create(tenantName: string, name?: string): Promise<CreatedApiKey> {
      const { key, prefix } = newKey();
      const apiKey = await database.apiKey.create({
        data: {
          prefix,
          hash: hashApiKey(key),
          name: name ?? null,
          tenant: { connectOrCreate: { where: { name: tenantName }, create: { name: tenantName } } },
        },
        include: { tenant: true },
      });
      return { key, apiKey };
    },

    async list(tenantName?: string): Promise<ApiKeyWithTenant[]> {
      return database.apiKey.findMany({
        where: tenantName === undefined ? {} : { tenant: { name: tenantName } },
        include: { tenant: true },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
    },

    /** Revokes the key whose id or prefix is `idOrPrefix`; null when there is none. Revoking twice keeps the first time. */
    async revoke(idOrPrefix: string): Promise<ApiKeyWithTenant | null> {
      const where = isUuid(idOrPrefix) ? { id: idOrPrefix } : { prefix: idOrPrefix };
      const apiKey = await database.apiKey.findUnique({ where, include: { tenant: true } });
      if (!apiKey) return null;
      if (apiKey.revokedAt !== null) return apiKey;
      return database.apiKey.update({ where: { id: apiKey.id }, data: { revokedAt: new Date() }, include: { tenant: true } });
    },
  };
}

export type ApiKeyRepository = ReturnType<typeof createApiKeyRepository>;

/** Who a live key belongs to: what every authenticated request needs. */
export interface AuthenticatedKey {
  readonly apiKeyId: string;
  readonly tenantId: string;
}

/**
 * Checked on every request, and never cached, so a revoked key is refused by its very next
 * request. The hashes of concurrent requests are checked together, each once however many
 * requests sent it; each row names its hash. `bpchar[]`, the type of the column: compared with
 * `text[]`, the column would be cast and its unique index left unused. The key alone answers
 * (a tenant's keys go with it): no request needs its tenant's name, so its row is not read.
 */
const authenticateStatement = {
  name: 'api-keys-authenticate',
  text: `SELECT hash, id AS "apiKeyId", tenant_id AS "tenantId" FROM api_keys WHERE hash = ANY($1::bpchar[]) AND revoked_at IS NULL`,
};

/**
 * The API's per-request key check: one prepared statement through the node-postgres pool
 * (Prisma's per-query planning cost several times the round trip itself), shared by the
 * requests that arrive while earlier checks are in flight, and by those read in one pass of the
 * event loop's poll phase (gatherPhase): each request arrives in an I/O callback of its own, and
 * the first of a pass went alone while the others waited for it. A batch is sent only after every
 * request it answers arrived, so it is a fresh read for each of them: batching caches nothing.
 */
export function createApiKeyAuthenticator(pool: Pool) {
  const checks = new Coalescer<string, AuthenticatedKey | null>(async (hashes) => {
    const { rows } = await pool.query<AuthenticatedKey & { hash: string }>({ ...authenticateStatement, values: [[...new Set(hashes)]] });
    // Frozen: the requests of a batch that carry the same key share its answer.
    const live = new Map(rows.map(({ hash, ...key }) => [hash, Object.freeze(key)]));
    return hashes.map((hash) => ({ value: live.get(hash) ?? null }));
  }, { ...statementBatchLimits, gatherPhase: true });

  return {
    /** The live (not revoked) key with this full value, with its tenant; null when unknown or revoked. */
    authenticate(key: string): Promise<AuthenticatedKey | null> {
      return checks.submit(hashApiKey(key));
    },
  };
}

export type ApiKeyAuthenticator = ReturnType<typeof createApiKeyAuthenticator>;
