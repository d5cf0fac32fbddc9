// Prisma CLI configuration: WebAssembly engines and the pg driver adapter, so that nothing
// is downloaded at install or generate time.
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';
import { postgresConnectionOptions } from './src/db/connection-options.ts';

process.env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/descent';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  async adapter() {
    return new PrismaPg(postgresConnectionOptions(process.env.DATABASE_URL!));
  },
});
