/**
 * Request validation with zod that hands fastify the ZodError itself (fastify tags it with
 * `validationContext` and passes it to the error handler), so field paths keep their numeric
 * indices and the error handler can use `toFieldIssues` as the CLI does.
 */
import type { FastifySchemaCompiler } from 'fastify';
import type { z } from 'zod';

export const validatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema }) => (data) => {
  const result = schema.safeParse(data);
  return result.success ? { value: result.data } : { error: result.error };
};
