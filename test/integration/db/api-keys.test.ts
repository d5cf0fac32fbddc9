import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKeyAuthenticator, createApiKeyRepository, type ApiKeyRepository, type CreatedApiKey } from '../../../src/db/api-keys.ts';
import { createPool, type Pool } from '../../../src/db/pool.ts';
import { openTestServices, type TestServices } from '../support/services.ts';
import { countStatements } from '../support/statement-count.ts';

describe('API key checks (concurrent checks share a statement)', () => {
  let services: TestServices;
  let apiKeys: ApiKeyRepository;
  const pools: Pool[] = [];

  /** An authenticator over a pool of its own, with the statements it sends counted. */
  function countedAuthenticator() {
    const pool = createPool(services.config.databaseUrl, 4);
    pools.push(pool);
    return { authenticator: createApiKeyAuthenticator(pool), statements: countStatements(pool) };
  }

  const principal = ({ apiKey }: CreatedApiKey) => ({ apiKeyId: apiKey.id, tenantId: apiKey.tenantId });

  beforeAll(async () => {
    services = await openTestServices();
    apiKeys = createApiKeyRepository(services.database);
  });
  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.end()));
    await services.close();
  });

  it('answers each of many concurrent checks with its own key, its own tenant or null', async () => {
    const tenantA = `keys-a-${randomUUID()}`;
    const tenantB = `keys-b-${randomUUID()}`;
    const live = [await apiKeys.create(tenantA), await apiKeys.create(tenantA), await apiKeys.create(tenantB)];
    const revoked = await apiKeys.create(tenantB);
    await apiKeys.revoke(revoked.apiKey.prefix);
    // Unknown keys: random, well-formed but never created, the prefix alone, and one a byte off a live key.
    const unknown = [`dsc_nope_${randomUUID()}`, `dsc_${'0'.repeat(12)}_${'A'.repeat(43)}`, live[0]!.apiKey.prefix, `${live[1]!.key}x`];
    const cases: { key: string; expected: ReturnType<typeof principal> | null }[] = [
      ...live.map((created) => ({ key: created.key, expected: principal(created) })),
      { key: revoked.key, expected: null },
      ...unknown.map((key) => ({ key, expected: null })),
    ];
    const calls = Array.from({ length: 48 }, (_, i) => cases[(i * 5) % cases.length]!);

    const { authenticator, statements } = countedAuthenticator();
    const answers = await Promise.all(calls.map(({ key }) => authenticator.authenticate(key)));

    expect(answers).toEqual(calls.map(({ expected }) => expected));
    // The requests carrying the same key may share one answer: none can change another's.
    for (const answer of answers) if (answer) expect(Object.isFrozen(answer)).toBe(true);
    // Made in one turn: all in one statement.
    expect(statements.count).toBe(1);
  });

  it('refuses a key from the first check after its revocation, with checks in flight around it', async () => {
    const created = await apiKeys.create(`keys-revoked-${randomUUID()}`);
    const other = await apiKeys.create(`keys-other-${randomUUID()}`);
    const { authenticator } = countedAuthenticator();
    const round = () => Promise.all(Array.from({ length: 10 }, (_, i) => authenticator.authenticate(i % 2 ? created.key : other.key)));

    expect(await round()).toEqual(Array.from({ length: 10 }, (_, i) => principal(i % 2 ? created : other)));
    // A check still in flight while the key is revoked may see it live; the next one may not.
    const inFlight = round();
    await apiKeys.revoke(created.apiKey.id);
    await inFlight;
    expect(await round()).toEqual(Array.from({ length: 10 }, (_, i) => (i % 2 ? null : principal(other))));
    expect(await authenticator.authenticate(created.key)).toBeNull();
  });
});
