import { Route, Switch } from 'wouter';
import { CustomerListPage } from './CustomerListPage';
import { CustomerPage } from './CustomerPage';

/** Customers: the searchable, paged list and one customer's page. */
export default function CustomersArea() {
  return (
    <Switch>
      <Route path="/customers/:id">{(params) => <CustomerPage id={params.id} />}</Route>
      <Route>
        <CustomerListPage />
      </Route>
    </Switch>
  );
}
