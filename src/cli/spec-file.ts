/** A spec given on the command line: a JSON file, or `-` for standard input. */
import { readFile } from 'node:fs/promises';

/** A spec file that cannot be read or is not JSON; the message says which and why. */
export class SpecFileError extends Error {
  override readonly name = 'SpecFileError';
}

/** How messages name the spec: its path, or standard input. */
export const specSource = (file: string): string => (file === '-' ? 'standard input' : file);

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
