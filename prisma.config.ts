// Prisma CLI configuration: WebAssembly engines and the pg driver adapter, so that nothing
// is downloaded at install or generate time.
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

process.env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/descent';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  async adapter() {
    const url = new URL(process.env.DATABASE_URL!);
    return new PrismaPg({
      host: url.hostname,
      port: Number(url.port || 5432),
      user: decodeURIComponent(url.username || 'postgres'),
      password: decodeURIComponent(url.password),
      database: url.pathname.slice(1),
    });
  },
});
