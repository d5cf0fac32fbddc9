/**
 * Discrete pg connection fields from a PostgreSQL URL. The Prisma pg adapter is given these
 * rather than a connection string: with a connection string its shadow database silently
 * becomes the real one.
 */
export interface PostgresConnectionOptions {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export function postgresConnectionOptions(databaseUrl: string): PostgresConnectionOptions {
  const url = new URL(databaseUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username || 'postgres'),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.slice(1)) || 'postgres',
  };
}
