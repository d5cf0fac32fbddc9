#!/usr/bin/env node
// The `descent` command: runs the TypeScript sources through tsx's loader.
import { register } from 'tsx/esm/api';

register();
const { main, endsQuietlyWhenReaderLeaves } = await import('../src/cli/main.ts');
const argv = process.argv.slice(2);
// A reader that has read enough closes the pipe (`descent run spec.json --jsonl | head`, `descent
// runs | head`): a command that prints for it ends there, quietly. A service whose log reader goes
// away does not: it shuts down gracefully and exits 1, so a supervisor sees the failure.
if (endsQuietlyWhenReaderLeaves(argv)) {
  process.stdout.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });
}
process.exitCode = await main(argv);
