import { AppError } from '../../app/app-error.js';
import type { AttuneApp } from '../../app/attune-app.js';
import type { RecommendationList } from '../../app/recs/recommendation-service.js';
import type { WorkspaceId } from '../../core/shared/ids.js';
import type { OutputStream } from '../cli-runtime.js';
import { formatCount } from '../format.js';

/** The Online Retail data ends on 2011-12-09: recommendations are trained and shown as of then. */
export const DEMO_DATA_END = '2011-12-10T00:00:00Z';

/**
 * Step 6 of the demo: the recommender, trained as of the end of the data (once; later runs show
 * the stored version), its validation against popularity, and what one customer and one product
 * page would get, each item with its reason.
 */
export async function runDemoRecommendations(
  app: AttuneApp,
  workspace: WorkspaceId,
  out: OutputStream,
  input: { readonly customerId: string | null; readonly productId: string | null },
): Promise<void> {
  out.write('\nRecommendations\n');
  const atMs = Date.parse(DEMO_DATA_END);
  let status = await app.recommendations.status(workspace);
  if (status === null) {
    try {
      await app.recommendations.train(workspace, { asOf: DEMO_DATA_END });
    } catch (error: unknown) {
      if (!(error instanceof AppError) || error.code !== 'ERR_NOT_ENOUGH_DATA') throw error;
      out.write(`  ${error.message}\n`);
      return;
    }
    status = await app.recommendations.status(workspace);
  }
  if (status === null) return;
  const { current } = status;
  const report = current.report;
  out.write(
    `  Trained (version ${current.version}) on ${formatCount(report.interactions.purchases)} purchases of ${formatCount(report.users)} customers, ${formatCount(report.items)} products, in ${(current.trainMs / 1000).toFixed(1)} s; personal part: ${report.personal.algorithm}.\n`,
  );
  const v = report.validation;
  if (v !== null) {
    out.write(
      `  On the last weeks of the data (${formatCount(v.users)} customers' next purchases, not used to fit): hit rate@10 ${pct(v.blend.hitRate)} vs ${pct(v.popularity.hitRate)} for best-sellers; NDCG@10 ${v.blend.ndcg.toFixed(3)} vs ${v.popularity.ndcg.toFixed(3)}.\n`,
    );
  } else out.write(`  Blend weights: ${report.weightsReason}.\n`);
  let productId = input.productId;
  if (input.customerId !== null) {
    const list = await app.recommendations.forUser(workspace, { kind: 'user_id', value: input.customerId }, { atMs, count: 5 });
    out.write(`\n  For customer ${input.customerId}:\n${describe(list)}`);
    // The page of their first recommendation: a product with a history, so its neighbours show.
    productId = list.items[0]?.itemId ?? productId;
  }
  if (productId !== null) {
    const list = await app.recommendations.forItem(workspace, productId, null, { atMs, count: 5 });
    out.write(`\n  On the page of product ${productId}:\n${describe(list)}`);
  }
}

function describe(list: RecommendationList): string {
  if (list.items.length === 0) return '    (nothing to recommend)\n';
  return list.items.map((item) => `    - ${item.itemId} ${item.name ?? ''}: ${item.reasons.map((r) => r.text).join('; ')}\n`).join('');
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}
