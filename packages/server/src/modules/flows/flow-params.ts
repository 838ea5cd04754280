import type { ErrorDetail } from '@comeback/contracts';
import type { FlowDefinition, FlowParamSpec, FlowParams } from './flow-types.js';

/**
 * Parameters as a marketer gives them (`--param wait=2`, or JSON) checked against the flow's
 * specs: unknown keys refused, numbers within bounds, text safe to place into a template. Text
 * goes into Liquid and MJML as it is, so the characters that would open a Liquid tag or output,
 * an element or an attribute are refused rather than escaped (a discount text never needs them).
 */
export type ParamsOutcome = { ok: true; value: FlowParams } | { ok: false; details: ErrorDetail[] };

const UNSAFE_TEXT = /[{}<>"\\]/;
const CODE = /^[A-Za-z0-9_-]{1,40}$/;

export function defaultParams(flow: FlowDefinition): FlowParams {
  return Object.fromEntries(flow.params.map((p) => [p.key, p.default]));
}

export function resolveParams(
  flow: FlowDefinition,
  given: Readonly<Record<string, unknown>>,
): ParamsOutcome {
  const details: ErrorDetail[] = [];
  const specs = new Map(flow.params.map((p) => [p.key, p]));
  for (const key of Object.keys(given))
    if (!specs.has(key))
      details.push({
        field: `params.${key}`,
        message: `${flow.id} has no parameter ${key} (it has: ${[...specs.keys()].join(', ') || 'none'})`,
      });
  const value: Record<string, string | number> = {};
  for (const spec of flow.params) {
    const raw = Object.hasOwn(given, spec.key) ? given[spec.key] : spec.default;
    const checked = checkParam(spec, raw);
    if (typeof checked === 'object') details.push(checked);
    else value[spec.key] = checked;
  }
  return details.length ? { ok: false, details } : { ok: true, value };
}

function checkParam(spec: FlowParamSpec, raw: unknown): string | number | ErrorDetail {
  const field = `params.${spec.key}`;
  if (spec.type === 'days' || spec.type === 'hours' || spec.type === 'number') {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN;
    const whole = spec.type !== 'number';
    if (!Number.isFinite(n) || (whole && !Number.isInteger(n)))
      return { field, message: `must be ${whole ? 'a whole number of ' + spec.type : 'a number'}` };
    const min = spec.min ?? (whole ? 1 : 0);
    const max = spec.max ?? (spec.type === 'hours' ? 720 : spec.type === 'days' ? 1095 : 1e9);
    if (n < min || n > max) return { field, message: `must be between ${min} and ${max}` };
    return n;
  }
  if (typeof raw !== 'string' && typeof raw !== 'number') return { field, message: 'must be text' };
  const s = String(raw).trim();
  if (spec.type === 'code')
    return CODE.test(s) ? s : { field, message: 'must be 1-40 letters, digits, _ or -' };
  if (s === '' || s.length > 200) return { field, message: 'must be 1-200 characters' };
  if (UNSAFE_TEXT.test(s)) return { field, message: 'must not contain { } < > " or \\' };
  return s;
}
