import type { LocationNode, ServiceSlots } from '../../lib/api';
import { formatLocalDate, formatLocalTime } from '../../lib/format';

/** The next bookable times of the services that need several resources at once. */
export function NextSlots({ locations, slots }: { locations: LocationNode[]; slots: ServiceSlots[] }) {
  const services = new Map(locations.flatMap((l) => (l.services?.nodes ?? []).map((s) => [s.rowId, { service: s, location: l }] as const)));
  return (
    <section className="next-slots" aria-label="Next available multi-resource appointments" data-testid="next-slots">
      <h2>Next available</h2>
      <p className="lede">Appointments that need more than one resource at once (a practitioner with a room or equipment), with the resources that serve each time.</p>
      {slots.map(({ serviceId, slots: list }) => {
        const entry = services.get(serviceId);
        if (!entry) return null;
        return (
          <article key={serviceId} className="slot-service" data-testid="slot-service">
            <h3>
              {entry.service.name} <span className="muted">· {entry.location.name}</span>
            </h3>
            {list.length === 0 ? (
              <p className="empty">No free time in the next 7 days.</p>
            ) : (
              <ul className="slots">
                {list.map((slot) => (
                  <li key={slot.start} data-testid="slot">
                    <span className="slot-time">
                      {formatLocalDate(slot.startLocal)} {formatLocalTime(slot.startLocal, slot.abbreviation)}
                    </span>
                    <span className="slot-resources">
                      {slot.assignments.flatMap((a) => a.resources.map((r) => r.name)).join(' · ')}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </article>
        );
      })}
    </section>
  );
}
