/**
 * The recorded metrics the dashboard can draw, and the unit each is measured in: every unit
 * gets a y axis of its own with its title, so a loss in the thousands and a learning rate of
 * 1e-3 never share a scale.
 */

/** Units in axis order: the first is drawn on the left, the others on the right. */
export const units = {
  loss: { title: 'loss', logCapable: true },
  accuracy: { title: 'accuracy', logCapable: false },
  gradientNorm: { title: 'gradient norm', logCapable: true },
  learningRate: { title: 'learning rate', logCapable: true },
};

export const metricFields = [
  { name: 'loss', label: 'loss', unit: 'loss', shownByDefault: true },
  { name: 'valLoss', label: 'validation loss', unit: 'loss', shownByDefault: true, validation: true },
  { name: 'valAccuracy', label: 'validation accuracy', unit: 'accuracy', shownByDefault: false, validation: true },
  { name: 'gradNorm', label: 'gradient norm', unit: 'gradientNorm', shownByDefault: false },
  { name: 'learningRate', label: 'learning rate', unit: 'learningRate', shownByDefault: false },
];

export const metricFieldNames = metricFields.map((field) => field.name);
