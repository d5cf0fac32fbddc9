/** A spec given on the command line: a JSON file, or `-` for standard input. */
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { z } from 'zod';
import { toFieldIssues } from '../contracts/issues.ts';
import { otherSpecKind, type SpecKind } from '../contracts/spec-kind.ts';

/** A spec file that cannot be read or is not JSON; the message says which and why. */
export class SpecFileError extends Error {
  override readonly name = 'SpecFileError';
}

/** How messages name the spec: its path, or standard input. */
export const specSource = (file: string): string => (file === '-' ? 'standard input' : file);

/**
 * The folder the spec's relative data paths (`{ "path": "file.csv" }`) are read from, by every
 * command that reads a spec file: the file's own, or the current folder for standard input.
 */
export const specFolder = (file: string): string => (file === '-' ? process.cwd() : dirname(file));

async function readText(file: string): Promise<string> {
  if (file !== '-') return readFile(file, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The JSON value of the spec file (not yet validated). */
export async function readSpecJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readText(file);
  } catch (error) {
    throw new SpecFileError(`cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SpecFileError(`${specSource(file)} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * The spec of `descent <command> <file>` (a run spec for `run`, a sweep spec for `sweep`), read
 * and validated against `schema`; null once what is wrong has been printed on stderr, the command
 * then exits with status 2.
 */
export async function loadSpec<Schema extends z.ZodType>(command: SpecKind, file: string, schema: Schema): Promise<z.output<Schema> | null> {
  let input: unknown;
  try {
    input = await readSpecJson(file);
  } catch (error) {
    if (!(error instanceof SpecFileError)) throw error;
    console.error(`descent ${command}: ${error.message}`);
    return null;
  }
  const parsed = schema.safeParse(input);
  const said = otherSpecKind(input, command);
  if (!parsed.success && said !== null) {
    const instead = command === 'sweep' ? `descent run ${file}` : `descent sweep ${file}`;
    console.error(`descent ${command}: ${specSource(file)}: ${said.replace(/^This/, 'this')}: run it with '${instead}'.`);
    return null;
  }
  if (!parsed.success) {
    const issues = toFieldIssues(parsed.error);
    console.error(`descent ${command}: ${specSource(file)} is not a valid ${command} spec (${issues.length} problem${issues.length === 1 ? '' : 's'}):`);
    for (const issue of issues) console.error(`  ${issue.path || '(spec)'}: ${issue.message}`);
    return null;
  }
  return parsed.data;
}
