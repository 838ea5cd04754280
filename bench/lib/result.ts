/**
 * One figure of a benchmark, in the format of the design doc (performance.md): `pass` and the
 * target's text are both derived from a machine-readable target, never typed in.
 */
export interface ResultRow {
  name: string;
  metric: string;
  unit: string;
  ours: number;
  baseline: number | null;
  ratio: number | null;
  target: string | null;
  pass: boolean | null;
  notes: string;
}

/** Every bound given must hold. `ratioAtLeast` compares ours / baseline. */
export interface Target {
  atLeast?: number;
  atMost?: number;
  below?: number;
  ratioAtLeast?: number;
}

interface Check {
  text: string;
  holds: (ours: number, ratio: number | null) => boolean;
}

function checksOf(target: Target): Check[] {
  const checks: Check[] = [];
  const { atLeast, atMost, below, ratioAtLeast } = target;
  if (atLeast !== undefined) checks.push({ text: `>= ${atLeast}`, holds: (o) => o >= atLeast });
  if (atMost !== undefined) checks.push({ text: `<= ${atMost}`, holds: (o) => o <= atMost });
  if (below !== undefined) checks.push({ text: `< ${below}`, holds: (o) => o < below });
  if (ratioAtLeast !== undefined) {
    checks.push({
      text: `ratio >= ${ratioAtLeast}`,
      holds: (_, ratio) => ratio !== null && ratio >= ratioAtLeast,
    });
  }
  return checks;
}

export function targetText(target: Target): string {
  return checksOf(target)
    .map((c) => c.text)
    .join(' and ');
}

export function meetsTarget(target: Target, ours: number, ratio: number | null): boolean {
  return Number.isFinite(ours) && checksOf(target).every((c) => c.holds(ours, ratio));
}

const round = (n: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

/** Builds a row: rounds the figures, computes the ratio, the target's text and `pass`. */
export function resultRow(r: {
  name: string;
  metric: string;
  unit: string;
  ours: number;
  baseline?: number | null;
  /** null: an informational figure with no target (pass is then null too). */
  target: Target | null;
  notes: string;
  digits?: number;
}): ResultRow {
  const digits = r.digits ?? 0;
  const ours = round(r.ours, digits);
  const baseline = r.baseline == null ? null : round(r.baseline, digits);
  const ratio = baseline === null || baseline === 0 ? null : round(r.ours / (r.baseline ?? 1), 3);
  return {
    name: r.name,
    metric: r.metric,
    unit: r.unit,
    ours,
    baseline,
    ratio,
    target: r.target ? targetText(r.target) : null,
    pass: r.target ? meetsTarget(r.target, r.ours, ratio) : null,
    notes: r.notes,
  };
}
