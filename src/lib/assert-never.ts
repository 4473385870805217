/** Exhaustiveness guard: a new union member fails the type check at every switch that forgot it. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
