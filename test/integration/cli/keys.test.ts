import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runKeys } from '../../../src/cli/commands/keys.ts';
import type { CommandOutput } from '../../../src/cli/output.ts';
import { useTestApp } from '../support/services.ts';

function captured(): CommandOutput & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line) };
}

describe('descent keys', () => {
  const context = useTestApp();

  const keys = async (...args: string[]) => {
    const output = captured();
    const code = await runKeys(args, context.services.config, output);
    return { code, ...output };
  };
  const listRuns = (key: string) => context.app.inject({ method: 'GET', url: '/v1/runs', headers: { authorization: `Bearer ${key}` } });

  it('creates a key that authenticates, lists it without revealing it, and revokes it', async () => {
    const tenant = `cli-${randomUUID()}`;
    const created = await keys('create', '--tenant', tenant, '--name', 'ci');
    expect(created.code).toBe(0);
    expect(created.stdout).toHaveLength(1);
    const key = created.stdout[0]!;
    expect(key).toMatch(/^dsc_[0-9a-f]{12}_[\w-]{43}$/);
    expect(created.stderr.join('\n')).toContain(`for tenant ${tenant}`);
    expect((await listRuns(key)).statusCode).toBe(200);

    const second = await keys('create', '--tenant', tenant);
    expect(second.stdout[0]).not.toBe(key);

    const listed = await keys('list', '--tenant', tenant);
    expect(listed.code).toBe(0);
    const rows = listed.stdout.slice(1);
    expect(rows).toHaveLength(2);
    expect(listed.stdout.join('\n')).not.toContain(key);
    const prefix = key.split('_').slice(0, 2).join('_');
    expect(rows[0]).toContain(prefix);
    expect(rows[0]).toContain('active');
    // Each column starts where its heading does, however long the tenant's name.
    const [heading] = listed.stdout;
    expect(rows[0]!.indexOf(tenant)).toBe(heading!.indexOf('tenant'));
    expect(rows[0]!.search(/\d{4}-\d\d-\d\dT/)).toBe(heading!.indexOf('created'));
    expect(rows[0]!.indexOf('active')).toBe(heading!.indexOf('state'));

    const revoked = await keys('revoke', prefix);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout[0]).toContain(`revoked ${prefix}`);
    expect((await listRuns(key)).statusCode).toBe(401);
    expect((await listRuns(second.stdout[0]!)).statusCode).toBe(200);
    expect((await keys('list', '--tenant', tenant)).stdout[1]).toContain('revoked');
  });

  it('revokes by id as well', async () => {
    const created = await keys('create', '--tenant', `cli-${randomUUID()}`);
    const id = /\(id ([0-9a-f-]{36})\)/.exec(created.stderr[0]!)![1]!;
    expect((await keys('revoke', id)).code).toBe(0);
    expect((await listRuns(created.stdout[0]!)).statusCode).toBe(401);
  });

  it('fails with a usage error or a clear message', async () => {
    expect((await keys('create')).code).toBe(2);
    expect((await keys('create', '--tenant')).code).toBe(2);
    expect((await keys('frobnicate')).code).toBe(2);
    expect(await keys('list', '--bogus')).toMatchObject({ code: 2, stderr: ['descent keys: unknown option \'--bogus\''] });
    const missing = await keys('revoke', 'dsc_missing0');
    expect(missing.code).toBe(1);
    expect(missing.stderr[0]).toMatch(/no key with id or prefix dsc_missing0/);
  });
});
