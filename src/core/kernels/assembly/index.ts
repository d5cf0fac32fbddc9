/** The kernels module: every exported function of the files below. */
export * from './optimizers';
export * from './vectors';
export * from './dense';
