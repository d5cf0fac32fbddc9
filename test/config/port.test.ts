/** A PORT that fetch never connects to is refused at startup, naming it: Descent's own clients could not reach the API there. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.ts';

describe('PORT', () => {
  it.each(['6000', '6667', '10080'])('%s, a port fetch refuses, is a configuration error naming it', (port) => {
    expect(() => loadConfig({ PORT: port })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: port })).toThrow(`invalid configuration: PORT="${port}": fetch never connects to this port (one of the ports `
      + 'the Fetch standard blocks), so neither the CLI, the client nor a browser could reach Descent; choose another');
  });

  it.each(['3000', '6001', '0'])('%s is taken', (port) => {
    expect(loadConfig({ PORT: port }).port).toBe(Number(port));
  });
});
