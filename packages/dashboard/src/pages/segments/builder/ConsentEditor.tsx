import { consentChannels, consentStatuses, type SegmentCondition } from '@comeback/contracts';
import { Group, Select } from '@mantine/core';
import { useT } from '../../../i18n/i18n';
import { useBuilder, useFaultAt } from './context';
import { builderStrings } from './strings';

type Consent = Extract<SegmentCondition, { type: 'consent' }>;

/** The person's marketing consent on a channel is now a status (subscribed, pending, ...). */
export function ConsentEditor(props: {
  value: Consent;
  onChange: (c: Consent) => void;
  path: string;
}) {
  const t = useT(builderStrings);
  const { disabled } = useBuilder();
  const { value, path } = props;
  return (
    <Group gap="xs" align="flex-start" wrap="wrap">
      <Select
        label={t('consentChannel')}
        w={180}
        allowDeselect={false}
        disabled={disabled}
        data-testid="condition-consent-channel"
        error={useFaultAt(`${path}.channel`)}
        data={consentChannels.map((c) => ({ value: c, label: t(`channel_${c}`) }))}
        value={value.channel}
        onChange={(v) => {
          const channel = consentChannels.find((c) => c === v);
          if (channel) props.onChange({ ...value, channel });
        }}
      />
      <Select
        label={t('consentStatus')}
        w={220}
        allowDeselect={false}
        disabled={disabled}
        data-testid="condition-consent-status"
        error={useFaultAt(`${path}.status`)}
        data={consentStatuses.map((s) => ({ value: s, label: t(`consent_${s}`) }))}
        value={value.status}
        onChange={(v) => {
          const status = consentStatuses.find((s) => s === v);
          if (status) props.onChange({ ...value, status });
        }}
      />
    </Group>
  );
}
