import type { BacktestReport, JourneyStep } from '@comeback/contracts';
import type { StepRecord } from './engine-types.js';

type StepStats = BacktestReport['steps'][number];

/** `key` one more in `map` (reasons and step ids stay Map keys: never a plain object's). */
function bump(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** A Map as a JSON object: defined properties, so a key such as `__proto__` is only a key. */
const objectOf = (map: Map<string, number>): Record<string, number> => Object.fromEntries(map);

/**
 * A consent refusal names the instant the consent changed ("unsubscribed since T"): the same
 * reason for every profile once the instant is left out, so refusals group by their kind.
 */
export const reasonKind = (reason: string): string =>
  reason.replace(/ since \d{4}-\d{2}-\d{2}T[0-9:.]+Z/g, '');

/** The counts a backtest reports, kept as the replay goes (the live statistics' shape). */
export class BacktestTally {
  entered = 0;
  readonly profiles = new Set<string>();
  holdoutEntered = 0;
  holdoutConverted = 0;
  converted = 0;
  revenue = 0;
  attributed = 0;
  messages = 0;
  rendered = 0;
  delayedByBudget = 0;
  delayedByQuietHours = 0;
  readonly #byChannel = new Map<string, number>();
  readonly #byStep = new Map<string, number>();
  readonly #skipped = new Map<string, number>();
  readonly #steps = new Map<
    string,
    { type: string; outcomes: Map<string, number>; branches: Map<string, number> }
  >();

  constructor(steps: readonly JourneyStep[]) {
    // Every step is listed, in the definition's order, even one nobody reached.
    for (const s of steps) this.#stepOf(s.id, s.type);
  }

  /** One step row, as the runner would have written it. */
  step(r: StepRecord): void {
    const s = this.#stepOf(r.node, r.stepType);
    bump(s.outcomes, r.outcome);
    if (r.next !== null) bump(s.branches, r.next);
    if (r.outcome === 'delayed') {
      if (r.reason === 'frequency budget') this.delayedByBudget += 1;
      else if (r.reason?.startsWith('quiet hours') === true) this.delayedByQuietHours += 1;
    }
    if (r.outcome === 'skipped') bump(this.#skipped, reasonKind(r.reason ?? 'no reason given'));
  }

  message(step: string, channel: string, rendered: boolean): void {
    this.messages += 1;
    if (rendered) this.rendered += 1;
    bump(this.#byChannel, channel);
    bump(this.#byStep, step);
  }

  /** Per step, with the enrollments still waiting at each when the replay stopped. */
  steps(waiting: ReadonlyMap<string, number>): StepStats[] {
    return [...this.#steps].map(([step, s]) => ({
      step,
      type: s.type,
      waiting: waiting.get(step) ?? 0,
      outcomes: objectOf(s.outcomes),
      branches: objectOf(s.branches),
    }));
  }

  messagesReport(): BacktestReport['messages'] {
    return {
      total: this.messages,
      byChannel: objectOf(this.#byChannel),
      byStep: objectOf(this.#byStep),
      attributed: this.attributed,
      delayedByBudget: this.delayedByBudget,
      delayedByQuietHours: this.delayedByQuietHours,
      skipped: objectOf(this.#skipped),
      rendered: this.rendered,
    };
  }

  #stepOf(step: string, type: string) {
    let s = this.#steps.get(step);
    if (!s) {
      s = { type, outcomes: new Map(), branches: new Map() };
      this.#steps.set(step, s);
    }
    return s;
  }
}
