import { Center, Loader } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { Redirect, Route, Switch } from 'wouter';
import { FlowLibraryPage } from './flows/FlowLibraryPage';
import { JourneyListPage } from './list/JourneyListPage';

/** The canvas (React Flow) loads only when a journey is opened, not with the list. */
const JourneyEditorPage = lazy(() =>
  import('./editor/JourneyEditorPage').then((m) => ({ default: m.JourneyEditorPage })),
);

function Editor() {
  return (
    <Suspense
      fallback={
        <Center h={200}>
          <Loader aria-label="Loading" />
        </Center>
      }
    >
      <JourneyEditorPage />
    </Suspense>
  );
}

/** The journeys area: the list, the canvas for a new or existing journey, the flow library. */
export default function JourneysArea() {
  return (
    <Switch>
      <Route path="/flows" component={FlowLibraryPage} />
      <Route path="/journeys" component={JourneyListPage} />
      <Route path="/journeys/new" component={Editor} />
      <Route path="/journeys/:id" component={Editor} />
      <Route>
        <Redirect to="/journeys" />
      </Route>
    </Switch>
  );
}
