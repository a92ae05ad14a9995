/** Exhaustiveness guard for switches over unions; reaching it is a programmer error. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
