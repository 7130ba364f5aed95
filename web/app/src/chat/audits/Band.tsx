import { BAND_LABEL, signed } from "./types";

/** The band as a coloured chip, with the score and the change since the previous run. */
export function Band({ band, overall, delta }: { band: string | null | undefined; overall?: number | null; delta?: number | null }) {
  const b = band ?? "unaudited";
  return (
    <span className={`band band-${b}`} data-testid="band" data-band={b}>
      {BAND_LABEL[b] ?? b}{overall !== null && overall !== undefined && <> · <strong data-testid="overall">{overall.toFixed(1)}</strong></>}
      {delta !== null && delta !== undefined && <span className="delta" data-testid="delta"> {signed(delta)}</span>}
    </span>
  );
}

/** The last runs' overall scores as a small line (0 at the bottom, 100 at the top), with the band lines at 70 and 85. */
export function Trend({ points, label }: { points: number[]; label: string }) {
  if (points.length === 0) return <span className="muted trend-empty">no runs yet</span>;
  const w = 120, h = 32;
  const x = (i: number) => (points.length === 1 ? w / 2 : (i * w) / (points.length - 1));
  const y = (v: number) => h - (v / 100) * h;
  return (
    <svg className="trend" width={w} height={h} viewBox={`-2 -2 ${w + 4} ${h + 4}`} role="img" aria-label={`${label}: ${points.map((p) => p.toFixed(0)).join(", ")}`} data-testid="trend">
      <line x1={0} x2={w} y1={y(85)} y2={y(85)} className="trend-band" />
      <line x1={0} x2={w} y1={y(70)} y2={y(70)} className="trend-band" />
      <polyline fill="none" className="trend-line" points={points.map((p, i) => `${x(i)},${y(p)}`).join(" ")} />
      {points.map((p, i) => <circle key={i} cx={x(i)} cy={y(p)} r={2} className="trend-dot" />)}
    </svg>
  );
}
