/** Follows a dot path through objects and arrays (numeric parts index arrays); undefined if absent. */
export function readPath(root: unknown, segments: readonly string[]): unknown {
  let current: unknown = root;
  for (const segment of segments) {
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(segment)) return undefined;
      current = current[Number(segment)];
    } else if (typeof current === 'object' && current !== null) {
      if (!Object.hasOwn(current, segment)) return undefined;
      current = (current as Readonly<Record<string, unknown>>)[segment];
    } else return undefined;
  }
  return current;
}
