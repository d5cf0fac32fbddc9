/**
 * The README's error table, kept between two marker comments and rewritten from the error
 * catalogue by `npm run openapi`; a test fails when the README holds another table.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { errorTableMarkdown } from './error-catalogue.ts';

export const readmePath = fileURLToPath(new URL('../../../README.md', import.meta.url));

const startMarker = /<!-- error-table:[^>]*-->\n/;
const endMarker = '<!-- error-table-end -->';

/** The README with its error table replaced by the catalogue's. */
export function withErrorTable(readme: string): string {
  const start = readme.match(startMarker);
  const end = readme.indexOf(endMarker);
  if (!start || start.index === undefined || end < start.index) throw new Error('README.md has no error-table markers');
  const tableStart = start.index + start[0].length;
  return `${readme.slice(0, tableStart)}${errorTableMarkdown()}\n${readme.slice(end)}`;
}

export async function writeReadmeErrorTable(): Promise<void> {
  await writeFile(readmePath, withErrorTable(await readFile(readmePath, 'utf8')));
}
