import type { CompiledNode, CompiledRule } from '../../core/segments/compiled-rule.js';
import type { BehaviorView } from '../../core/segments/behavior-view.js';
import type { CompareNode, MembershipLookup, SegmentInput } from '../../core/segments/evaluate-segment.js';
import { readPath } from '../../core/segments/read-path.js';
import { assertNever } from '../../core/shared/assert-never.js';
import type { ProfileId } from '../../core/shared/ids.js';
import type { JsonValue } from '../../core/shared/json.js';

/**
 * The paths a rule reads when every one of them holds a value that changes only with events:
 * traits, and features whose schema clock is 'static' (frequency, monetary, lastSeenMs ...;
 * comparing them with `within last` still works, the comparison takes `now`). Segment references
 * are answered by the membership index. Null when the rule reads anything else (behavioral
 * conditions, time-moving features, computed traits, predictions): such a rule needs profiles.
 */
export function staticPathsOf(rule: CompiledRule): string[] | null {
  const { paths, onlyStatic } = walkStatic(rule);
  return onlyStatic ? paths : null;
}

/** Every static path the rule reads, whatever else it reads (the columns worth keeping). */
export function staticPathsIn(rule: CompiledRule): string[] {
  return walkStatic(rule).paths;
}

function walkStatic(rule: CompiledRule): { readonly paths: string[]; readonly onlyStatic: boolean } {
  const paths = new Set<string>();
  let onlyStatic = true;
  const walk = (node: CompiledNode): void => {
    switch (node.kind) {
      case 'and':
      case 'or':
        for (const child of node.children) walk(child);
        return;
      case 'not':
        walk(node.child);
        return;
      case 'compare':
        if (node.namespace === 'traits' || (node.namespace === 'features' && node.clock === 'static')) paths.add(`${node.namespace}.${node.segments.join('.')}`);
        else onlyStatic = false;
        return;
      case 'geo_within':
        for (const at of [node.lat, node.lon]) {
          if (at.namespace === 'traits') paths.add(`traits.${at.segments.join('.')}`);
          else onlyStatic = false;
        }
        return;
      case 'in_segment':
        return;
      case 'did':
      case 'sequence':
        onlyStatic = false;
        return;
      default:
        assertNever(node, 'compiled node');
    }
  };
  walk(rule.root);
  return { paths: [...paths].sort(), onlyStatic };
}

interface Column {
  readonly namespace: 'traits' | 'features';
  readonly segments: readonly string[];
  readonly values: unknown[];
  /** The generation it was added in: complete once a full scan started after it has finished. */
  readonly since: number;
  complete: boolean;
}

const NO_BEHAVIOR: BehaviorView = {
  countMatching: () => {
    throw new Error('fact columns hold no behavior: a rule with behavioral conditions needs profiles');
  },
  nthLatestMatchAtMs: () => {
    throw new Error('fact columns hold no behavior');
  },
  sequenceState: () => {
    throw new Error('fact columns hold no behavior');
  },
};

/**
 * The values that live segments read and that change only with events, per profile, in memory:
 * one array per path, one row per profile. A new segment that reads only such values (already
 * held) is backfilled from here in a memory pass instead of reading every stored profile.
 *
 * A column is filled as profiles are evaluated (each ingested batch, each backfill scan) and is
 * *complete* once a full scan of the store that began after the column was added has recorded
 * every profile; only complete columns serve. Columns nobody reads any more are dropped.
 */
export class FactColumns {
  private readonly rowOf = new Map<ProfileId, number>();
  /** Row -> profile; null once the profile was merged away. */
  private readonly ids: (ProfileId | null)[] = [];
  private readonly columns = new Map<string, Column>();
  private generation = 0;
  /** Column arrays by compare node (a rule's nodes are asked for on every row). */
  private byNode = new WeakMap<CompareNode, readonly unknown[] | null>();
  /** The rows hold every profile once a full scan that began after the last clear has finished. */
  private rowsSince = 0;
  private rowsComplete = false;

  /** Keeps exactly the columns of these paths (new ones start incomplete). */
  want(paths: ReadonlySet<string>): void {
    this.byNode = new WeakMap();
    for (const path of [...this.columns.keys()]) if (!paths.has(path)) this.columns.delete(path);
    for (const path of paths) {
      if (this.columns.has(path)) continue;
      const [namespace, ...segments] = path.split('.');
      if (namespace !== 'traits' && namespace !== 'features') continue;
      this.columns.set(path, { namespace, segments, values: new Array<unknown>(this.ids.length), since: ++this.generation, complete: false });
    }
  }

  /** Where a full scan starts: pass it to scanFinished when the scan has recorded every profile. */
  scanStarted(): number {
    return this.generation;
  }

  scanFinished(startedAt: number): void {
    if (startedAt >= this.rowsSince) this.rowsComplete = true;
    for (const column of this.columns.values()) if (column.since <= startedAt) column.complete = true;
  }

  /** Whether the rows hold every profile and every one of these paths has a complete column. */
  serves(paths: readonly string[]): boolean {
    return this.rowsComplete && paths.every((path) => this.columns.get(path)?.complete === true);
  }

  /** Stores the profile's current values of every column (read through its evaluation input). */
  record(profileId: ProfileId, input: Pick<SegmentInput, 'traits' | 'features'>): void {
    let row = this.rowOf.get(profileId);
    if (row === undefined) {
      row = this.ids.length;
      this.ids.push(profileId);
      this.rowOf.set(profileId, row);
    }
    for (const column of this.columns.values()) {
      column.values[row] = readPath(column.namespace === 'traits' ? input.traits : input.features, column.segments);
    }
  }

  remove(profileId: ProfileId): void {
    const row = this.rowOf.get(profileId);
    if (row === undefined) return;
    this.ids[row] = null;
    this.rowOf.delete(profileId);
    for (const column of this.columns.values()) column.values[row] = undefined;
  }

  /**
   * Forgets every row; columns stay wanted but incomplete until the next full scan (after a
   * rebuild, or while no segment exists and so no profile is evaluated).
   */
  clear(): void {
    this.rowsSince = ++this.generation;
    this.rowsComplete = false;
    this.rowOf.clear();
    this.ids.length = 0;
    for (const column of this.columns.values()) {
      column.values.length = 0;
      column.complete = false;
    }
  }

  get rows(): number {
    return this.ids.length;
  }

  /** The profile at a row (null for a merged-away one). */
  profileAt(row: number): ProfileId | null {
    return this.ids[row] ?? null;
  }

  /**
   * One reusable view for a pass over the rows: point it at a row and evaluate. Compared values
   * are read straight from the columns (SegmentInput.readCompared); traits and features objects are
   * built only if a reason is wanted (inputAt), which is rare.
   */
  rowReader(paths: readonly string[]): FactRowReader {
    return new FactRowReader(this, paths);
  }

  /** The values array of the column a compare node reads, or null when it is not held. */
  valuesFor(node: CompareNode): readonly unknown[] | null {
    let cached = this.byNode.get(node);
    if (cached === undefined) {
      cached = this.columns.get(`${node.namespace}.${node.segments.join('.')}`)?.values ?? null;
      this.byNode.set(node, cached);
    }
    return cached;
  }

  /** A rule's view of one row: the given (sorted) paths' values, nested as the rule reads them. */
  inputAt(row: number, paths: readonly string[], segments: MembershipLookup): SegmentInput {
    const traits: Record<string, JsonValue> = {};
    const features: Record<string, unknown> = {};
    let whole: string | null = null;
    for (const path of paths) {
      // `traits.address` holds the whole value, so `traits.address.city` is already in it (and
      // writing into it would modify the profile's own object). Paths come sorted: prefixes first.
      if (whole !== null && path.startsWith(whole)) continue;
      whole = `${path}.`;
      const column = this.columns.get(path);
      if (column === undefined) continue;
      const value = column.values[row];
      if (value === undefined) continue;
      assignPath(column.namespace === 'traits' ? traits : features, column.segments, value);
    }
    return { traits, features, computed: {}, predicted: {}, segments, behavior: NO_BEHAVIOR };
  }
}

function assignPath(root: Record<string, unknown>, segments: readonly string[], value: unknown): void {
  let current = root;
  for (let i = 0; i < segments.length - 1; i++) {
    const key = segments[i] as string;
    const next = Object.hasOwn(current, key) ? current[key] : undefined;
    if (typeof next === 'object' && next !== null) current = next as Record<string, unknown>;
    else {
      const created: Record<string, unknown> = {};
      setOwn(current, key, created);
      current = created;
    }
  }
  const last = segments[segments.length - 1];
  if (last !== undefined) setOwn(current, last, value);
}

/** A plain assignment, except for "__proto__" (a user-supplied trait name), which must stay data. */
function setOwn(record: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}

/**
 * A SegmentInput over one row of the fact columns at a time (moved with `at`), for memory
 * backfills: rules read compared values through readCompared, and only a rule that flips needs the
 * traits and features objects (for its reasons), built then.
 */
export class FactRowReader implements SegmentInput {
  private readonly facts: FactColumns;
  private readonly paths: readonly string[];
  private row = 0;
  private built: SegmentInput | null = null;
  segments: MembershipLookup = { has: () => false };
  readonly computed = {};
  readonly predicted = {};
  readonly behavior = NO_BEHAVIOR;
  readonly readCompared = (node: CompareNode): unknown => this.facts.valuesFor(node)?.[this.row];

  constructor(facts: FactColumns, paths: readonly string[]) {
    this.facts = facts;
    this.paths = paths;
  }

  at(row: number, segments: MembershipLookup): this {
    this.row = row;
    this.segments = segments;
    this.built = null;
    return this;
  }

  get traits(): Readonly<Record<string, JsonValue>> {
    return this.objects().traits;
  }

  get features(): Readonly<Record<string, unknown>> {
    return this.objects().features;
  }

  private objects(): SegmentInput {
    this.built ??= this.facts.inputAt(this.row, this.paths, this.segments);
    return this.built;
  }
}
