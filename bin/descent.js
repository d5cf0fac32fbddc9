#!/usr/bin/env node
// The `descent` command: runs the TypeScript sources through tsx's loader.
import { register } from 'tsx/esm/api';

// A reader that has read enough closes the pipe (`descent run spec.json --jsonl | head`, `descent
// runs | head`): the command ends there, quietly, as other command-line tools do.
process.stdout.on('error', (error) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
