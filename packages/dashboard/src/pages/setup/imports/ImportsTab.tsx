import { Stack } from '@mantine/core';
import { Route, Switch } from 'wouter';
import { useSession } from '../../../api/session';
import { ImportDetail } from './ImportDetail';
import { ImportHistory } from './ImportHistory';
import { ImportUpload } from './ImportUpload';

export function ImportsTab() {
  const { canEdit } = useSession();
  return (
    <Switch>
      <Route path="/setup/imports/:id">{(params) => <ImportDetail id={params.id} />}</Route>
      <Route>
        <Stack gap="xl">
          {canEdit ? <ImportUpload /> : null}
          <ImportHistory />
        </Stack>
      </Route>
    </Switch>
  );
}
