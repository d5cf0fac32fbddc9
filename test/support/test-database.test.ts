import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { defaultTestDatabaseUrl, testDatabaseUrl, testDatabaseUrlFrom } from './test-database.ts';

describe('the test database', () => {
  it('is named by TEST_DATABASE_URL, never by the service\'s DATABASE_URL', () => {
    const mine = 'postgresql://postgres@127.0.0.1:5432/my_own_data';
    expect(testDatabaseUrlFrom({ DATABASE_URL: mine })).toBe(defaultTestDatabaseUrl);
    expect(testDatabaseUrlFrom({ DATABASE_URL: mine, TEST_DATABASE_URL: 'postgresql://postgres@db:5432/t' })).toBe('postgresql://postgres@db:5432/t');
  });

  it('is what every process the tests start reads as DATABASE_URL', () => {
    expect(process.env.DATABASE_URL).toBe(testDatabaseUrl);
    expect(loadConfig().databaseUrl).toBe(testDatabaseUrl);
  });
});
