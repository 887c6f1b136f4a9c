import type { Metadata } from 'next';
import { cache } from 'react';
import { fetchHomePage, fetchNextSlots } from '../lib/api';
import { ErrorPanel } from './_components/ErrorPanel';
import { LocationCard } from './_components/LocationCard';
import { NextSlots } from './_components/NextSlots';

// Rendered on the server for every request; no client-side data fetching.
export const dynamic = 'force-dynamic';

// generateMetadata and the page share one API round trip per request.
const loadHomePage = cache(fetchHomePage);

export async function generateMetadata(): Promise<Metadata> {
  const result = await loadHomePage();
  return { title: result.ok ? `${result.data.currentTenant?.name ?? 'Locations'} — locations & services` : 'Service unavailable' };
}

export default async function HomePage() {
  const result = await loadHomePage();

  if (!result.ok) {
    return (
      <main className="page">
        <h1>Service temporarily unavailable</h1>
        <ErrorPanel error={result.error} />
      </main>
    );
  }

  const { currentTenant, locations } = result.data;
  const nodes = locations?.nodes ?? [];
  const multiResource = nodes.flatMap((l) => (l.services?.nodes ?? []).filter((s) => (s.requirements?.totalCount ?? 0) >= 2).map((s) => s.rowId));
  const nextSlots = await fetchNextSlots(multiResource, new Date());

  return (
    <main className="page">
      <header className="page-header">
        <h1>{currentTenant?.name}</h1>
        <p className="lede">
          {nodes.length === 1 ? '1 location' : `${nodes.length} locations`}. Times are local to each location.
        </p>
      </header>
      {nextSlots.ok && nextSlots.data.length > 0 ? <NextSlots locations={nodes} slots={nextSlots.data} /> : null}
      {nodes.length === 0 ? (
        <p className="empty">No locations are published yet.</p>
      ) : (
        <div className="locations">
          {nodes.map((location) => (
            <LocationCard key={location.id} location={location} />
          ))}
        </div>
      )}
    </main>
  );
}
