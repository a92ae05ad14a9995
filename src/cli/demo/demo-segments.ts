import { AppError } from '../../app/app-error.js';
import type { AttuneApp } from '../../app/attune-app.js';
import type { WorkspaceId } from '../../core/shared/ids.js';
import type { OutputStream } from '../cli-runtime.js';
import { formatCount, formatTable } from '../format.js';

/** The clustering the demo trains (kept between runs). */
export const DEMO_CLUSTERING_KEY = 'rfm_clusters';
/** The rule segment the demo defines, to show the text form and live membership. */
export const DEMO_SEGMENT = { key: 'big-spenders', name: 'Big spenders', text: 'features.frequency >= 5 and features.monetary > 2000' } as const;

const percent = (share: number | null): string => (share === null ? '-' : `${(share * 100).toFixed(1)}%`);

/**
 * Step 5 of the demo: segments on the imported customers. Fits RFM (the 11 named segments), trains
 * a k-means clustering on R, F and M with personas (once; later runs show the stored one), and
 * defines one rule segment, then prints what each found. Workspaces with too few customers get a
 * line saying so instead.
 */
export async function runDemoSegments(app: AttuneApp, workspace: WorkspaceId, out: OutputStream): Promise<void> {
  out.write('\nSegments\n');
  try {
    const rfm = await app.rfm.fit(workspace);
    out.write(`  RFM fitted on ${formatCount(rfm.population.fitted)} customers (quintiles); 11 live segments, rfm-champions ... rfm-lost:\n`);
    const rows = rfm.segments
      .filter((s) => s.count > 0)
      .map((s) => [s.name, formatCount(s.count), percent(s.customerShare), percent(s.revenueShare), s.recommendedAction]);
    out.write(`${indent(formatTable(['segment', 'customers', 'share', 'revenue', 'what to do'], rows))}\n`);
  } catch (error: unknown) {
    if (!(error instanceof AppError) || error.code !== 'ERR_NOT_ENOUGH_DATA') throw error;
    out.write(`  RFM: ${error.message}\n`);
    return;
  }

  const existing = (await app.clusterings.list(workspace)).some((c) => c.key === DEMO_CLUSTERING_KEY);
  const clustering = existing ? await app.clusterings.get(workspace, DEMO_CLUSTERING_KEY) : await app.clusterings.create(workspace, { key: DEMO_CLUSTERING_KEY });
  const evidence = clustering.evidence;
  const how = evidence.mode === 'automatic' ? `chosen by silhouette over k = ${evidence.kMin ?? '?'}..${evidence.kMax ?? '?'} (elbow says ${evidence.elbowK ?? '?'})` : 'as requested';
  out.write(`\n  k-means on log R, F, M (standardized): k = ${clustering.k}, ${how}; personas:\n`);
  for (const cluster of clustering.clusters) {
    out.write(`  - ${cluster.persona.name} (${cluster.segmentKey}, ${formatCount(cluster.size)} customers)\n    ${cluster.persona.narrative.text}\n`);
  }

  const segments = await app.segments.list(workspace);
  const rule = segments.find((s) => s.definition.key === DEMO_SEGMENT.key) ?? (await app.segments.create(workspace, DEMO_SEGMENT));
  out.write(`\n  Rule segment ${DEMO_SEGMENT.key}: ${rule.text}\n    ${formatCount(rule.size)} members now; it updates as events arrive.\n`);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
