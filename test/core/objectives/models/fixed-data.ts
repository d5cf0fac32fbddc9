/** Small fixed inline datasets shared by the model tests: 3 dense features with binary targets; 6 sparse rows of 6 columns. */
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

/** Six sparse rows of 6 columns (one of them empty), with targets for each output kind. */
export const sparseRows = [
  { indices: [0, 3], values: [1, 2] },
  { indices: [1], values: [-1.5] },
  { indices: [2, 4, 5], values: [0.5, 1, -0.25] },
  { indices: [], values: [] },
  { indices: [0, 5], values: [-1, 3] },
  { indices: [3, 4], values: [0.75, -0.5] },
];
export const sixBinaryTargets = fixedBinaryTargets.slice(0, 6);
export const sixClasses = [0, 2, 1, 2, 0, 1];
export const sixRealTargets = [0.3, -1.2, 2.5, 0.7, -0.4, 1.1];
