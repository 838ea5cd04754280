import '@mantine/charts/styles.css';
import { Route, Switch, useSearch } from 'wouter';
import { QueryView } from '../../components/QueryView';
import { useRecipes, useSegment } from './api';
import { SegmentEditor, type Draft } from './SegmentEditor';
import { SegmentListPage } from './SegmentListPage';

/** The segments area: `/segments`, `/segments/new[?recipe=ID]`, `/segments/:id`. */
export default function SegmentsArea() {
  return (
    <Switch>
      <Route path="/segments" component={SegmentListPage} />
      <Route path="/segments/new" component={NewSegmentPage} />
      <Route path="/segments/:id">{(params) => <ExistingSegmentPage id={params.id} />}</Route>
    </Switch>
  );
}

const BLANK: Draft = { name: '', description: '', condition: { type: 'and', conditions: [] } };

function NewSegmentPage() {
  const recipeId = new URLSearchParams(useSearch()).get('recipe');
  const recipes = useRecipes();
  if (recipeId === null) return <SegmentEditor initial={BLANK} />;
  return (
    <QueryView query={recipes}>
      {(data) => {
        const recipe = data.find((r) => r.id === recipeId);
        const initial = recipe
          ? { name: recipe.name, description: recipe.description, condition: recipe.condition }
          : BLANK;
        return <SegmentEditor key={recipeId} initial={initial} />;
      }}
    </QueryView>
  );
}

function ExistingSegmentPage({ id }: { id: string }) {
  const segment = useSegment(id);
  return (
    <QueryView query={segment}>
      {(data) => (
        <SegmentEditor
          // Another segment starts a fresh draft; saving this one keeps the draft as it is.
          key={data.id}
          segment={data}
          initial={{
            name: data.name,
            description: data.description ?? '',
            condition: data.condition,
          }}
        />
      )}
    </QueryView>
  );
}
