/**
 * The database the tests use. It is named by TEST_DATABASE_URL alone: DATABASE_URL is the
 * service's own database, often exported in the same shell, and the tests create, migrate and
 * fill theirs freely, so they never read it.
 */
export const defaultTestDatabaseUrl = 'postgresql://postgres@127.0.0.1:5432/descent_test';

export function testDatabaseUrlFrom(env: Readonly<Record<string, string | undefined>>): string {
  return env.TEST_DATABASE_URL || defaultTestDatabaseUrl;
}

export const testDatabaseUrl = testDatabaseUrlFrom(process.env);
