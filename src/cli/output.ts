/** Where a command writes: the process's streams, or a test's buffers. */
export interface CommandOutput {
  out(line: string): void;
  err(line: string): void;
}

export const processOutput: CommandOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};
