import { useQuery } from '@tanstack/react-query';
import { useLocation, useParams } from 'wouter';
import { QueryView } from '../../../components/QueryView';
import { fetchJourney, journeyKeys } from '../list/journey-queries';
import { JourneyEditor } from './JourneyEditor';

/**
 * `/journeys/new` (a journey built from scratch, trigger first) and `/journeys/:id`. The editor
 * is keyed by the journey, so opening another one (or the new one after its first save) starts
 * from what the API holds.
 */
export function JourneyEditorPage() {
  const params = useParams<{ id?: string }>();
  const [location] = useLocation();
  const id = location === '/journeys/new' || params.id === 'new' ? null : (params.id ?? null);
  return id === null ? <JourneyEditor key="new" journey={null} /> : <ExistingJourney id={id} />;
}

function ExistingJourney({ id }: { id: string }) {
  const query = useQuery({ queryKey: journeyKeys.one(id), queryFn: () => fetchJourney(id) });
  return (
    <QueryView query={query}>
      {(journey) => <JourneyEditor key={journey.id} journey={journey} />}
    </QueryView>
  );
}
