// A trial thread's entry: the TypeScript sources load through tsx's loader, as in bin/descent.js.
import { register } from 'tsx/esm/api';

register();
await import('./trial-thread.ts');
