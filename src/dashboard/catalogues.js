/**
 * What the server says exists, asked once per page load: the optimizer catalogue
 * (GET /v1/optimizers). Forms, filters and labels are built from it, never from copies here.
 */
import { getJson } from './api.js';

let optimizers = null;

/** The optimizer catalogue's entries (name, description, flavors, hyperparameters). */
export function optimizerCatalogue() {
  optimizers ??= getJson('/v1/optimizers').then(({ body }) => body.optimizers).catch((error) => {
    optimizers = null;
    throw error;
  });
  return optimizers;
}
