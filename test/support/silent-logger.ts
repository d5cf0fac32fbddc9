/** A logger that says nothing: the in-process workers of a test, whose output would bury the test's own. */
export const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
