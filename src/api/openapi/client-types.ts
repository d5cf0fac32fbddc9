/**
 * The client's TypeScript types (src/client/openapi-types.ts), generated from the OpenAPI
 * document by openapi-typescript. `npm run openapi` writes them beside openapi.yaml; a test
 * fails when they differ from what it would write.
 */
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

export const clientTypesPath = fileURLToPath(new URL('../../client/openapi-types.ts', import.meta.url));

const header = [
  '/**',
  ' * Generated from openapi.yaml by `npm run openapi` (openapi-typescript): do not edit.',
  ' * `paths` drives the typed calls of createClient; `components["schemas"]` names every shape.',
  ' */',
  '',
].join('\n');

export async function renderClientTypes(openApiYaml: string): Promise<string> {
  // A field with a default may be left out of a request: it is optional, not required.
  const ast = await openapiTS(openApiYaml, { silent: true, defaultNonNullable: false });
  return header + astToString(ast);
}
