import type { TraceEntry } from '@comeback/contracts';
import type { TraceKey } from './trace-strings';

/**
 * A trace step in words: what happened (the title) and why (the reason). The engine's reasons
 * are English sentences with a fixed shape; the known ones are retold in the reader's language
 * with their values, anything else is shown as the engine wrote it.
 */
type Translate = (key: TraceKey, vars?: Record<string, string | number>) => string;
type DateTime = (value: string | number | null | undefined) => string;
/** A channel's name in the reader's language (`email` -> "email", "דוא״ל"). */
type ChannelName = (channel: string) => string;

interface Words {
  t: Translate;
  dateTime: DateTime;
  channelName: ChannelName;
}

export interface StepWords {
  title: string;
  why: string | null;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const textOf = (value: unknown): string | null =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;
const timeOf = (value: unknown): string | number | null =>
  typeof value === 'number' || typeof value === 'string' ? value : null;

/** The event that started the enrollment (`detail.trigger.event.name`), when there was one. */
function triggerEvent(detail: Record<string, unknown>): string | null {
  const trigger = detail.trigger;
  if (!isRecord(trigger)) return null;
  const event = trigger.event;
  return isRecord(event) ? textOf(event.name) : null;
}

function valuesText(values: unknown): string | null {
  if (!isRecord(values)) return null;
  const parts = Object.entries(values).map(
    ([name, value]) => `${name} = ${typeof value === 'string' ? value : JSON.stringify(value)}`,
  );
  return parts.length === 0 ? null : parts.join(', ');
}

/** The consent gate's own why: never given, withdrawn or unconfirmed since a time. */
function consentWhy(why: string, t: Translate, dateTime: DateTime): string {
  if (why === 'never given') return t('consentNeverGiven');
  if (why === 'no profile') return t('consentNoProfile');
  const awaiting = /^awaiting confirmation since (.+)$/.exec(why);
  if (awaiting) return t('consentAwaiting', { since: dateTime(awaiting[1]) });
  const since = /^(\w+) since (.+)$/.exec(why);
  if (since?.[1] === 'unsubscribed') return t('consentWithdrawn', { since: dateTime(since[2]) });
  return why;
}

function reasonWords(reason: string, words: Words, channel: string): string {
  const { t, dateTime, channelName } = words;
  const consent = /^no (\w+) marketing consent \((.*)\)$/.exec(reason);
  if (consent)
    return t('whyNoConsent', {
      channel: consent[1] ? channelName(consent[1]) : channel,
      why: consentWhy(consent[2] ?? '', t, dateTime),
    });
  const suppressed = /^suppressed: (.*)$/.exec(reason);
  if (suppressed) return t('whySuppressed', { reason: suppressed[1] ?? '' });
  if (reason === 'dropped: over the frequency budget') return t('whyBudgetDropped', { channel });
  const pastDeadline = /^dropped: (.*) would hold it past the journey's maximum delay$/.exec(
    reason,
  );
  if (pastDeadline) return t('whyPastMaxDelay', { reason: pastDeadline[1] ?? '' });
  if (reason.startsWith('holdout')) return t('whyHoldout');
  if (reason === 'frequency budget') return t('whyBudgetDelay', { channel });
  const quiet = /^quiet hours \((.*)\)$/.exec(reason);
  if (quiet) return t('whyQuietHours', { zone: quiet[1] ?? '' });
  const timeout = /^no (.+) within the timeout$/.exec(reason);
  if (timeout) return t('whyTimedOut', { event: timeout[1] ?? '' });
  const goal = /^goal: (.*)$/.exec(reason);
  if (goal) return t('whyGoal', { goal: goal[1] ?? '' });
  if (reason === 'reached the end') return t('whyEnd');
  return reason;
}

export function describeStep(entry: TraceEntry, words: Words): StepWords {
  const { t, dateTime, channelName } = words;
  const { detail } = entry;
  const channelRaw = textOf(detail.channel);
  const channel = channelRaw ? channelName(channelRaw) : t('aMessage');
  const why = entry.reason !== null ? reasonWords(entry.reason, words, channel) : null;
  switch (entry.outcome) {
    case 'entered': {
      const event = triggerEvent(detail);
      return { title: event ? t('enteredOn', { event }) : t('entered'), why };
    }
    case 'sent':
      return { title: t('sent', { channel }), why };
    case 'skipped':
      return { title: t('skipped', { channel }), why };
    case 'delayed':
      return { title: t('delayed', { until: dateTime(timeOf(detail.until)) }), why };
    case 'branch':
    case 'holdout': {
      const branch = textOf(detail.branch) ?? entry.next ?? '?';
      const values = valuesText(detail.values);
      return {
        title: t(entry.outcome === 'holdout' ? 'holdout' : 'branch', { branch }),
        why: why ?? (values ? t('whyBranch', { values }) : null),
      };
    }
    case 'waited':
      return { title: t('waited'), why };
    case 'event_received':
      return { title: t('eventReceived', { event: textOf(detail.event) ?? '?' }), why };
    case 'timed_out':
      return { title: t('timedOut'), why };
    case 'updated':
      return { title: t('updated'), why: why ?? valuesText(detail) };
    case 'converted':
      return { title: t('converted'), why };
    case 'exited':
      return { title: t('exited'), why };
    case 'completed':
      return { title: t('completed'), why };
  }
}
