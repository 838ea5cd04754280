import type { Profile } from '@comeback/contracts';
import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { get } from '../../api/client';

/** How a profile is recognised in a list: its email, else a name, else its id. */
export function profileLabel(p: Profile): string {
  const email = p.identifiers.find((i) => i.kind === 'email')?.value;
  const traits = p.traits;
  const name = [traits.first_name, traits.last_name].filter((v) => typeof v === 'string').join(' ');
  return email ?? (name || p.id);
}

/** A searchable choice of one customer (GET /api/v1/profiles?q=), ten at a time. */
export function ProfilePicker(props: {
  label: string;
  placeholder: string;
  value: string | null;
  onChange: (id: string | null) => void;
}) {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 250);
  const query = useQuery({
    queryKey: ['templates', 'profile-search', debounced],
    queryFn: () =>
      get<{ data: Profile[] }>('/api/v1/profiles', { q: debounced || undefined, limit: 10 }),
    placeholderData: keepPreviousData,
  });
  const options = (query.data?.data ?? []).map((p) => ({ value: p.id, label: profileLabel(p) }));
  return (
    <Select
      label={props.label}
      placeholder={props.placeholder}
      searchable
      clearable
      value={props.value}
      onChange={props.onChange}
      searchValue={search}
      onSearchChange={setSearch}
      data={options}
      filter={({ options: all }) => all}
      nothingFoundMessage="—"
    />
  );
}
