import { Route, Switch } from 'wouter';
import { SftpFiles } from './SftpFiles';
import { SftpList } from './SftpList';

export function SftpTab() {
  return (
    <Switch>
      <Route path="/setup/sftp/:id">{(params) => <SftpFiles id={params.id} />}</Route>
      <Route>
        <SftpList />
      </Route>
    </Switch>
  );
}
