/**
 * The recorded metrics the dashboard can draw, and the unit each is measured in: every unit
 * gets a y axis of its own with its title, so a loss in the thousands and a learning rate of
 * 1e-3 never share a scale.
 */
import { metricFields as catalogue } from '../contracts.js';

/** Units in axis order: the first is drawn on the left, the others on the right. */
export const units = {
  loss: { title: 'loss', logCapable: true },
  accuracy: { title: 'accuracy', logCapable: false },
  gradientNorm: { title: 'gradient norm', logCapable: true },
  learningRate: { title: 'learning rate', logCapable: true },
};

/**
 * The fields the dashboard draws, from the server's metric-field table: those with a chart, in
 * table order. `validation` marks the fields recorded only on steps with a validation pass.
 */
export const metricFields = catalogue
  .filter((field) => field.chart !== null)
  .map((field) => ({ name: field.name, ...field.chart, validation: field.sometimes }));

export const metricFieldNames = metricFields.map((field) => field.name);
