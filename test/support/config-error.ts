import { ConfigError } from '../../src/config/config-error.ts';

/** Runs `fn` and returns the ConfigError it threw (fails the test otherwise). */
export function problemsOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}
