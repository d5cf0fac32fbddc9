/** /v1/optimizers: the optimizer catalogue, straight from the core's registry. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { describeOptimizers, flavors } from '../../../core/optimizers/index.ts';
import { problemResponses } from '../../errors/problem.ts';
import { noQueryParameters } from '../../plugins/validator-compiler.ts';

const perFlavor = z.object(Object.fromEntries(flavors.map((flavor) => [flavor, z.number().describe(`The default in the ${flavor} flavor.`)])) as Record<(typeof flavors)[number], z.ZodNumber>);

const hyperparameterSchema = z
  .object({
    name: z.string().describe('The field of `optimizer` in a run spec.'),
    type: z.literal('number'),
    minimum: z.number().optional().describe('The smallest value allowed.'),
    exclusiveMinimum: z.number().optional().describe('Values must be above this.'),
    maximum: z.number().optional().describe('The largest value allowed.'),
    exclusiveMaximum: z.number().optional().describe('Values must be below this.'),
    default: perFlavor.describe('The value used when the field is left out, per flavor.'),
    flavors: z.array(z.enum(flavors)).describe('The flavors in which the field may be set.'),
    description: z.string().describe('What it sets, in a sentence.'),
  })
  .meta({ id: 'Hyperparameter', description: "An optimizer's hyperparameter: its bounds and its default in each flavor." });

const optimizerSchema = z
  .object({
    name: z.string().describe('The value of `optimizer.name`.'),
    description: z.string().describe('One line.'),
    flavors: z.array(z.enum(flavors)).describe('The flavors it runs in (`optimizer.flavor`).'),
    decoupledWeightDecay: z.boolean().describe('`weightDecay` is the decoupled decay of the optimizer itself (AdamW) rather than an L2 term in the gradient.'),
    hyperparameters: z.array(hyperparameterSchema).describe('Its hyperparameters.'),
  })
  .meta({ id: 'Optimizer', description: 'An optimizer a run spec can name in `optimizer.name`.' });

const catalogueSchema = z
  .object({ optimizers: z.array(optimizerSchema).describe('Every optimizer.') })
  .meta({ id: 'OptimizerCatalogue', description: 'The optimizers a run spec can name.' });

export async function optimizerRoutes(app: FastifyInstance): Promise<void> {
  // Plain mutable copies of the registry's readonly descriptions, as the response schema types them.
  const catalogue: z.output<typeof catalogueSchema> = {
    optimizers: describeOptimizers().map((optimizer) => ({
      ...optimizer,
      flavors: [...optimizer.flavors],
      hyperparameters: optimizer.hyperparameters.map((field) => ({ ...field, default: { ...field.default }, flavors: [...field.flavors] })),
    })),
  };
  app.withTypeProvider<ZodTypeProvider>().get('/optimizers', {
    schema: {
      summary: 'The optimizer catalogue',
      description: 'Every optimizer with its hyperparameters, bounds, per-flavor defaults and a one-line description; dashboards build their forms from it.',
      tags: ['catalogues'],
      querystring: noQueryParameters,
      response: { 200: catalogueSchema, ...problemResponses(400, 401, 429) },
    },
  }, async () => catalogue);
}
