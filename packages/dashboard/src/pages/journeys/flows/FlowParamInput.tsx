import type { FlowSummary } from '@comeback/contracts';
import { NumberInput, TextInput } from '@mantine/core';
import { useT } from '../../../i18n/i18n';
import { flowLabel, flowStrings, paramTypeKeys } from './strings';

export type FlowParam = FlowSummary['params'][number];
export type FlowParamValue = string | number;

const isNumeric = (p: FlowParam) => p.type === 'days' || p.type === 'hours' || p.type === 'number';

/** One parameter of a flow, typed: whole days or hours, a number, text, a code or a category. */
export function FlowParamInput(props: {
  param: FlowParam;
  value: FlowParamValue;
  onChange(value: FlowParamValue): void;
  error?: string;
}) {
  const t = useT(flowStrings);
  const { param } = props;
  const hint = [
    flowLabel(t, paramTypeKeys, param.type),
    param.min !== undefined && param.max !== undefined
      ? t('range', { min: param.min, max: param.max })
      : null,
    t('defaultValue', { value: param.default }),
  ]
    .filter(Boolean)
    .join(' · ');
  const common = {
    label: <bdi>{param.description}</bdi>,
    description: hint,
    error: props.error,
    'data-testid': `flow-param-${param.key}`,
  };

  if (isNumeric(param)) {
    return (
      <NumberInput
        {...common}
        value={props.value}
        onChange={props.onChange}
        min={param.min}
        max={param.max}
        allowDecimal={param.type === 'number'}
        required
      />
    );
  }
  return (
    <TextInput
      {...common}
      value={String(props.value)}
      onChange={(e) => props.onChange(e.currentTarget.value)}
      // Codes and cron expressions read left to right; free text follows what is typed.
      dir={param.type === 'code' ? 'ltr' : 'auto'}
      maxLength={param.type === 'code' ? 40 : 200}
      required
    />
  );
}
