/** The optimizers: registry, configuration schema, factory and catalogue. */
export { optimizers, optimizerNames, type OptimizerName } from './registry.ts';
export {
  optimizerConfigSchema,
  createOptimizer,
  resolveOptimizerConfig,
  type OptimizerConfig,
  type ResolvedOptimizerConfig,
} from './config.ts';
export { describeOptimizers, type OptimizerDescription, type HyperparameterDescription } from './catalogue.ts';
export {
  flavors,
  type Flavor,
  type Optimizer,
  type OptimizerDefinition,
  type OptimizerState,
  type Hyperparameters,
} from './optimizer.ts';
