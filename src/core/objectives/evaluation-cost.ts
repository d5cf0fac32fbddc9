/**
 * What one evaluation of an objective costs, in units of work (about one multiply-add each): its
 * parameters for a function, its parameters times its training rows for a model on data. Checks
 * that run inside an API request (the finite start of a submission, a gradient check) are bounded
 * by it, so no request holds the server's event loop for seconds.
 */
import { isDataObjective, type Objective } from './objective.ts';

export const evaluationCost = (objective: Objective): number =>
  isDataObjective(objective) ? objective.dimension * objective.trainingRows : objective.dimension;
