import { z } from 'zod';
import type { Result } from '../../shared/result.js';
import { err, ok } from '../../shared/result.js';
import { MAX_BINS } from './binning.js';

export type GbdtLoss = 'logistic' | 'squared';
export type GbdtGrowth = 'leaf-wise' | 'depth-wise';

/**
 * One regression tree as parallel arrays, node 0 the root, children always after their parent.
 * A split node sends a row left when its feature's value is <= the model's edge number `bin` of that
 * feature (every non-missing value when bin equals the feature's edge count), and a missing value
 * (NaN) left when missingLeft is true. Leaves have feature -1 and children -1.
 */
export interface GbdtTreeState {
  readonly feature: readonly number[];
  readonly bin: readonly number[];
  readonly missingLeft: readonly boolean[];
  readonly left: readonly number[];
  readonly right: readonly number[];
  /** Leaf outputs, learning rate included (0 on split nodes): a prediction adds one per tree. */
  readonly value: readonly number[];
  /** Loss reduction of each split (0 on leaves): the source of gain importance. */
  readonly gain: readonly number[];
  /** Training rows (of the tree's row sample) that reached the node. */
  readonly count: readonly number[];
}

/** The settings a model was trained with (defaults filled in), kept with it for the registry. */
export interface GbdtParams {
  readonly loss: GbdtLoss;
  readonly learningRate: number;
  readonly maxIterations: number;
  readonly growth: GbdtGrowth;
  readonly maxLeaves: number;
  /** null: no depth limit (maxLeaves bounds the tree). */
  readonly maxDepth: number | null;
  readonly minSamplesLeaf: number;
  readonly minHessianLeaf: number;
  readonly l2: number;
  readonly minGainToSplit: number;
  readonly maxBins: number;
  readonly rowSubsample: number;
  readonly colSubsample: number;
  /** Rounds without a validation improvement before stopping; null without early stopping. */
  readonly patience: number | null;
  readonly tolerance: number;
}

/**
 * A trained gradient-boosted model: plain JSON, versioned. JSON.stringify then parseGbdtState gives
 * back the same doubles, hence bit-identical predictions.
 */
export interface GbdtState {
  readonly format: 'gbdt@1';
  readonly loss: GbdtLoss;
  /** The raw score before any tree: log-odds of the training mean (logistic) or the mean (squared). */
  readonly baseScore: number;
  readonly features: number;
  /** Column names when the caller gave them, else null. */
  readonly featureNames: readonly string[] | null;
  /** binEdges[f]: feature f's strictly increasing bin edges (see binning.ts). */
  readonly binEdges: readonly (readonly number[])[];
  readonly trees: readonly GbdtTreeState[];
  readonly params: GbdtParams;
}

const treeSchema = z.object({
  feature: z.array(z.number().int().min(-1)),
  bin: z.array(z.number().int().nonnegative()),
  missingLeft: z.array(z.boolean()),
  left: z.array(z.number().int().min(-1)),
  right: z.array(z.number().int().min(-1)),
  value: z.array(z.number()),
  gain: z.array(z.number()),
  count: z.array(z.number().nonnegative()),
});

const paramsSchema = z.object({
  loss: z.enum(['logistic', 'squared']),
  learningRate: z.number().positive(),
  maxIterations: z.number().int().nonnegative(),
  growth: z.enum(['leaf-wise', 'depth-wise']),
  maxLeaves: z.number().int().min(2),
  maxDepth: z.number().int().positive().nullable(),
  minSamplesLeaf: z.number().int().positive(),
  minHessianLeaf: z.number().nonnegative(),
  l2: z.number().nonnegative(),
  minGainToSplit: z.number().nonnegative(),
  maxBins: z.number().int().min(2).max(MAX_BINS),
  rowSubsample: z.number().positive().max(1),
  colSubsample: z.number().positive().max(1),
  patience: z.number().int().positive().nullable(),
  tolerance: z.number().nonnegative(),
});

export const gbdtStateSchema = z.object({
  format: z.literal('gbdt@1'),
  loss: z.enum(['logistic', 'squared']),
  baseScore: z.number(),
  features: z.number().int().nonnegative(),
  featureNames: z.array(z.string()).nullable(),
  binEdges: z.array(z.array(z.number())),
  trees: z.array(treeSchema),
  params: paramsSchema,
});

/** Why a tree is malformed (shapes, ranges, a node reached twice or never), or null when it is sound. */
function treeProblem(tree: GbdtTreeState, edgeCounts: readonly number[]): string | null {
  const n = tree.feature.length;
  if (n === 0) return 'has no nodes';
  for (const key of ['bin', 'missingLeft', 'left', 'right', 'value', 'gain', 'count'] as const) {
    if (tree[key].length !== n) return `${key} has ${tree[key].length} entries, expected ${n}`;
  }
  const reached = new Uint8Array(n);
  reached[0] = 1;
  for (let i = 0; i < n; i++) {
    const f = tree.feature[i] ?? -1;
    const l = tree.left[i] ?? -1;
    const r = tree.right[i] ?? -1;
    if (!Number.isFinite(tree.value[i]) || !Number.isFinite(tree.gain[i])) return `node ${i} has a non-finite value or gain`;
    if (f === -1) {
      if (l !== -1 || r !== -1) return `leaf ${i} has children`;
      continue;
    }
    const edges = edgeCounts[f];
    if (edges === undefined) return `node ${i} splits on feature ${f}, which the model does not have`;
    if ((tree.bin[i] ?? 0) > edges) return `node ${i} splits at bin ${tree.bin[i]}, feature ${f} has ${edges} edges`;
    for (const child of [l, r]) {
      if (child <= i || child >= n) return `node ${i} has child ${child}: children must come after their parent`;
      if (reached[child] === 1) return `node ${child} is reached twice`;
      reached[child] = 1;
    }
  }
  const orphan = reached.indexOf(0);
  return orphan === -1 ? null : `node ${orphan} is not reachable from the root`;
}

/** Validates a stored model (unknown JSON), including that its shapes and references agree. */
export function parseGbdtState(value: unknown): Result<GbdtState, string> {
  const parsed = gbdtStateSchema.safeParse(value);
  if (!parsed.success) return err(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const s = parsed.data;
  if (s.params.loss !== s.loss) return err(`params.loss (${s.params.loss}) differs from loss (${s.loss})`);
  if (s.binEdges.length !== s.features) return err(`expected bin edges for ${s.features} features, got ${s.binEdges.length}`);
  if (s.featureNames !== null && s.featureNames.length !== s.features) return err(`expected ${s.features} feature names`);
  if (!Number.isFinite(s.baseScore)) return err('baseScore must be finite');
  for (let f = 0; f < s.binEdges.length; f++) {
    const e = s.binEdges[f] ?? [];
    if (e.length > s.params.maxBins - 1) return err(`binEdges.${f}: ${e.length} edges exceed maxBins - 1`);
    for (let j = 0; j < e.length; j++) {
      const v = e[j] ?? NaN;
      if (!Number.isFinite(v) || (j > 0 && !(v > (e[j - 1] ?? Infinity)))) return err(`binEdges.${f}: edges must be finite and strictly increasing`);
    }
  }
  const edgeCounts = s.binEdges.map((e) => e.length);
  for (let t = 0; t < s.trees.length; t++) {
    const tree = s.trees[t];
    if (tree === undefined) continue;
    const problem = treeProblem(tree, edgeCounts);
    if (problem !== null) return err(`trees.${t}: ${problem}`);
  }
  return ok(s);
}
