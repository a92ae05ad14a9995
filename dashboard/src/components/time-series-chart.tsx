import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface TimeSeries {
  readonly label: string;
  /** One value per x, null where the series has no value. */
  readonly values: readonly (number | null)[];
}

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c'];
const HEIGHT_PX = 280;
const DAY_S = 86_400;
/** A fresh install has one or two days of history: show at least two weeks so a point is readable. */
const MIN_SPAN_S = 14 * DAY_S;

/** A uPlot line chart; x in epoch seconds (uPlot's time unit). Re-created when the data changes. */
export function TimeSeriesChart(props: { readonly title: string; readonly xSeconds: readonly number[]; readonly series: readonly TimeSeries[] }) {
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = box.current;
    if (el === null) return undefined;
    const first = props.xSeconds[0] ?? 0;
    const last = props.xSeconds.at(-1) ?? first;
    const opts: uPlot.Options = {
      width: Math.max(320, el.clientWidth),
      height: HEIGHT_PX,
      series: [
        {},
        ...props.series.map((s, i) => ({
          label: s.label,
          stroke: PALETTE[i % PALETTE.length] ?? '#2563eb',
          width: 2,
          points: { show: true, size: 6 },
          spanGaps: false,
        })),
      ],
      axes: [{}, { label: 'members', size: 60 }],
      scales: {
        x: { time: true, range: [Math.min(first, last - MIN_SPAN_S), last + DAY_S / 2] },
        y: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.1))] },
      },
    };
    const data: uPlot.AlignedData = [Float64Array.from(props.xSeconds), ...props.series.map((s) => s.values.map((v) => v))];
    const plot = new uPlot(opts, data, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(320, el.clientWidth), height: HEIGHT_PX }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [props.xSeconds, props.series]);

  return <div ref={box} class="chart" role="img" aria-label={props.title} />;
}
