import { PageHeader } from '../../components/PageHeader';

export default function Page() {
  return <PageHeader title="messages" description="Not built yet." />;
}
