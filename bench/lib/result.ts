/**
 * One figure of a benchmark, in the format of the design doc (performance.md): `pass` and the
 * target's text are both derived from a machine-readable target, never typed in.
 */
export interface ResultRow {
  name: string;
  metric: string;
  unit: string;
  /** null only on a skipped row. */
  ours: number | null;
  baseline: number | null;
  ratio: number | null;
  target: string | null;
  pass: boolean | null;
  notes: string;
  /**
   * Set (to the reason) when the figure could not be measured on this machine for a reason
   * outside the code under test (e.g. no PostgreSQL server): `ours` and `pass` are then null.
   * A skipped row is not a failure, but it is not a pass either.
   */
  skipped?: string;
}

/**
 * Every bound given must hold, so one target can combine an absolute and a relative bound
 * (`{ atLeast: 50_000, ratioAtLeast: 0.5 }` reads ">= 50000 and ratio >= 0.5").
 * `ratioAtLeast` and `ratioAtMost` compare ours / baseline (at most: for times).
 */
export interface Target {
  atLeast?: number;
  atMost?: number;
  below?: number;
  ratioAtLeast?: number;
  ratioAtMost?: number;
}

interface Check {
  text: string;
  holds: (ours: number, ratio: number | null) => boolean;
}

function checksOf(target: Target): Check[] {
  const checks: Check[] = [];
  const { atLeast, atMost, below, ratioAtLeast, ratioAtMost } = target;
  if (atLeast !== undefined) checks.push({ text: `>= ${atLeast}`, holds: (o) => o >= atLeast });
  if (atMost !== undefined) checks.push({ text: `<= ${atMost}`, holds: (o) => o <= atMost });
  if (below !== undefined) checks.push({ text: `< ${below}`, holds: (o) => o < below });
  if (ratioAtLeast !== undefined) {
    checks.push({
      text: `ratio >= ${ratioAtLeast}`,
      holds: (_, ratio) => ratio !== null && ratio >= ratioAtLeast,
    });
  }
  if (ratioAtMost !== undefined) {
    checks.push({
      text: `ratio <= ${ratioAtMost}`,
      holds: (_, ratio) => ratio !== null && ratio <= ratioAtMost,
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
  /**
   * Conditions of the measurement itself that the figure is only valid under, e.g. that an
   * open-loop load really was offered at its rate: each must hold for `pass`, and each is
   * shown in the target's text. Ignored when there is no target.
   */
  validIf?: readonly { text: string; holds: boolean }[];
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
    target: r.target
      ? [targetText(r.target), ...(r.validIf ?? []).map((c) => c.text)].join(' and ')
      : null,
    pass: r.target
      ? meetsTarget(r.target, r.ours, ratio) && (r.validIf ?? []).every((c) => c.holds)
      : null,
    notes: r.notes,
  };
}

/** A row that could not be measured here (see ResultRow.skipped); keeps the target's text. */
export function skippedRow(r: {
  name: string;
  metric: string;
  unit: string;
  target: Target | null;
  reason: string;
  notes?: string;
}): ResultRow {
  return {
    name: r.name,
    metric: r.metric,
    unit: r.unit,
    ours: null,
    baseline: null,
    ratio: null,
    target: r.target ? targetText(r.target) : null,
    pass: null,
    notes: `skipped: ${r.reason}${r.notes ? `. ${r.notes}` : ''}`,
    skipped: r.reason,
  };
}
