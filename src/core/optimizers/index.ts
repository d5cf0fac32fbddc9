/** The optimizers: registry, configuration schema, factory and catalogue. */
export { optimizers, optimizerNames, type OptimizerName } from './registry.ts';
export {
  optimizerConfigSchema,
  createOptimizer,
  resolveOptimizerConfig,
  type OptimizerConfig,
  
} from './config.ts';
export { describeOptimizers,   } from './catalogue.ts';
export {
  flavors,
  type Flavor,
  type Optimizer,
  type OptimizerDefinition,
  type OptimizerState,
  
} from './optimizer.ts';
