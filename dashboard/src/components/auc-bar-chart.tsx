/** One model's AUC beside what it has to beat; null where that scorer was not measured. */
export interface AucGroup {
  readonly label: string;
  readonly model: number | null;
  readonly heuristic: number | null;
  readonly baseline: number | null;
}

const SERIES = [
  { key: 'model', label: 'Model', color: '#1d4ed8' },
  { key: 'heuristic', label: 'RFM heuristic', color: '#9ca3af' },
  { key: 'baseline', label: 'Logistic baseline', color: '#f59e0b' },
] as const;

const BAR_PX = 22;
const GROUP_GAP_PX = 26;
const LEFT_PX = 44;
const TOP_PX = 28;
const PLOT_HEIGHT_PX = 180;
const BOTTOM_PX = 36;

function describe(groups: readonly AucGroup[]): string {
  const part = (v: number | null): string => (v === null ? 'not measured' : v.toFixed(3));
  return groups.map((g) => `${g.label}: model ${part(g.model)}, RFM heuristic ${part(g.heuristic)}, logistic baseline ${part(g.baseline)}`).join('; ');
}

/**
 * Held-out AUC per model as grouped bars on a 0–1 scale, with the 0.5 line where ranking is no
 * better than chance. Plain SVG: three numbers per model need no charting library. The figures
 * are also in the tables beside it and in the image's label, for screen readers.
 */
export function AucBarChart(props: { readonly groups: readonly AucGroup[] }) {
  const { groups } = props;
  const groupWidth = SERIES.length * BAR_PX + GROUP_GAP_PX;
  const width = LEFT_PX + groups.length * groupWidth + 8;
  const height = TOP_PX + PLOT_HEIGHT_PX + BOTTOM_PX;
  const y = (auc: number): number => TOP_PX + PLOT_HEIGHT_PX * (1 - auc);
  return (
    <figure class="chart bar-chart" data-testid="auc-chart">
      <svg width={Math.max(width, 440)} height={height} role="img" aria-label={`Held-out AUC. ${describe(groups)}`}>
        {SERIES.map((s, i) => (
          <g key={s.key} transform={`translate(${LEFT_PX + i * 130}, 6)`}>
            <rect width="10" height="10" fill={s.color} />
            <text x="14" y="10">
              {s.label}
            </text>
          </g>
        ))}
        {[0, 0.25, 0.5, 0.75, 1].map((tick) => (
          <g key={tick}>
            <line class="axis" x1={LEFT_PX - 4} x2={width} y1={y(tick)} y2={y(tick)} stroke-dasharray={tick === 0.5 ? '4 3' : undefined} opacity={tick === 0 ? 1 : 0.4} />
            <text x={LEFT_PX - 8} y={y(tick) + 4} text-anchor="end">
              {tick.toFixed(2)}
            </text>
          </g>
        ))}
        {groups.map((g, gi) => {
          const x0 = LEFT_PX + gi * groupWidth + GROUP_GAP_PX / 2;
          return (
            <g key={g.label}>
              {SERIES.map((s, si) => {
                const v = g[s.key];
                if (v === null) return null;
                return (
                  <rect key={s.key} x={x0 + si * BAR_PX} y={y(v)} width={BAR_PX - 3} height={PLOT_HEIGHT_PX * v} fill={s.color}>
                    <title>{`${g.label}, ${s.label}: AUC ${v.toFixed(3)}`}</title>
                  </rect>
                );
              })}
              <text x={x0 + (SERIES.length * BAR_PX) / 2} y={TOP_PX + PLOT_HEIGHT_PX + 18} text-anchor="middle">
                {g.label}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption class="hint">Held-out AUC (0.5 = chance, dashed). Higher is better.</figcaption>
    </figure>
  );
}
