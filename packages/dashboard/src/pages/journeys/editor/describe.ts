import type { JourneyDuration } from '@comeback/contracts';
import type { CanvasInfo } from './canvas-context';
import type { JourneyNodeData, Output, PaletteKind } from './model';
import type { EditorT } from './strings';

/** How blocks read on the canvas: a kind, a one-line summary, labelled outputs. */

export const durationText = (d: JourneyDuration, t: EditorT) =>
  t('durationText', {
    amount: d.amount,
    unit: t(d.amount === 1 ? `unit1_${d.unit}` : `unit_${d.unit}`),
  });

export function kindOf(data: JourneyNodeData, info: Pick<CanvasInfo, 'templates'>): PaletteKind {
  if (data.kind === 'trigger') return `trigger_${data.trigger.type}`;
  const step = data.step;
  if (step.type !== 'send') return step.type;
  const channel = info.templates.get(step.template)?.channel ?? data.channel ?? 'email';
  return channel === 'webhook' ? 'webhook' : `send_${channel}`;
}

export function blockTitle(data: JourneyNodeData, info: CanvasInfo, t: EditorT): string {
  const kind = t(`kind_${kindOf(data, info)}`);
  return data.kind === 'step' && data.step.label ? data.step.label : kind;
}

/** Names typed by people (English events in a Hebrew summary) keep their own direction. */
const isolate = (text: string) => `\u2068${text}\u2069`;
const nameOf = (ref: string, map: CanvasInfo['templates'], t: EditorT) =>
  ref === '' ? t('notSet') : isolate(map.get(ref)?.name ?? ref);
const orUnset = (text: string, t: EditorT) => (text === '' ? t('notSet') : isolate(text));

export function blockSummary(data: JourneyNodeData, info: CanvasInfo, t: EditorT): string {
  if (data.kind === 'trigger') {
    const tr = data.trigger;
    switch (tr.type) {
      case 'event':
        return orUnset(tr.event, t);
      case 'segment_entered':
      case 'segment_exited':
        return nameOf(tr.segment, info.segments, t);
      case 'date_field':
        return tr.field === ''
          ? t('notSet')
          : t('dateSummary', { field: isolate(tr.field), days: tr.offsetDays });
      case 'product':
        return t(`product_${tr.event}`);
      case 'schedule':
        return `${isolate(tr.cron)} · ${nameOf(tr.segment, info.segments, t)}`;
    }
  }
  const s = data.step;
  switch (s.type) {
    case 'send':
    case 'webhook':
      return nameOf(s.template, info.templates, t);
    case 'wait':
      return durationText(s.duration, t);
    case 'wait_until':
      return t('untilSummary', { at: s.at });
    case 'wait_for_event':
      return t('waitEventSummary', {
        event: orUnset(s.event, t),
        duration: durationText(s.timeout, t),
      });
    case 'split':
      return t('splitSummary', { count: s.branches.length });
    case 'split_action':
      return t('actionSummary', { event: orUnset(s.event, t) });
    case 'random_split':
      return s.arms.map((a) => `${a.percent}%`).join(' / ');
    case 'update_profile':
      return t('updateSummary', {
        fields: Object.keys(s.set ?? {}).length,
        tags: s.addTags?.length ?? 0,
      });
    case 'exit':
      return t('exitSummary');
  }
}

/** An output's label on the canvas; a lone `next` has none. */
export function outputLabel(o: Output, t: EditorT): string {
  switch (o.role) {
    case 'next':
      return t('outputNext');
    case 'event':
      return t('outputEvent');
    case 'timeout':
      return t('outputTimeout');
    case 'yes':
      return t('outputYes');
    case 'no':
      return t('outputNo');
    case 'otherwise':
      return t('outputOtherwise');
    case 'branch':
      return o.label || t('outputBranch', { n: o.index + 1 });
    case 'arm':
      return o.label || t('outputArm', { n: o.index + 1 });
  }
}
