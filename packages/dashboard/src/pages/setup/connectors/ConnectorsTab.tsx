import { Route, Switch } from 'wouter';
import { ConnectorDetail } from './ConnectorDetail';
import { ConnectorList } from './ConnectorList';

export function ConnectorsTab() {
  return (
    <Switch>
      <Route path="/setup/connectors/:id">{(params) => <ConnectorDetail id={params.id} />}</Route>
      <Route>
        <ConnectorList />
      </Route>
    </Switch>
  );
}
