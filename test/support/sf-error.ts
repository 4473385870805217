import { SfApiError } from '../../src/simulators/salesforce/errors.ts';

/** Runs `fn` and returns the Salesforce API error the simulator threw (fails the test otherwise). */
export function sfError(fn: () => unknown): SfApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SfApiError) return err;
    throw err;
  }
  throw new Error('expected an SfApiError');
}
