// The planning thread's entry when the sources run as TypeScript: they load through tsx's loader, as in bin/descent.js.
import { register } from 'tsx/esm/api';

register();
await import('./planning-thread.ts');
