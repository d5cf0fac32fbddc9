/** A small fixed inline dataset (3 features, binary targets) shared by the model tests. */
export const fixedFeatures = [
  [0.5, -1.2, 0.3],
  [1.1, 0.4, -0.7],
  [-0.3, 0.8, 1.5],
  [2.0, -0.5, 0.1],
  [-1.4, -0.9, 0.6],
  [0.2, 1.7, -1.1],
  [0.9, 0.1, 0.4],
  [-0.6, -1.3, -0.2],
];
export const fixedBinaryTargets = [1, 0, 1, 1, 0, 0, 1, 0];
