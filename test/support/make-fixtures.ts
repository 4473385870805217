/**
 * Writes test/fixtures/insights-events/*.json from the sample calls in src/demo/sample-calls.ts.
 * Run `node test/support/make-fixtures.ts` after changing them. The very long call is written compact.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sampleCalls } from '../../src/demo/sample-calls.ts';

const dir = join(import.meta.dirname, '..', 'fixtures', 'insights-events');
for (const [name, call] of Object.entries(sampleCalls())) {
  const compact = name === 'very-long-call';
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(call, null, compact ? 0 : 2) + '\n');
}
console.log(`fixtures written to ${dir}`);
