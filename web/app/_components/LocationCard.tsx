import type { LocationNode } from '../../lib/api';
import {
  formatDuration,
  formatLocalDate,
  formatLocalTime,
  formatPrice,
  formatTimeZone,
  isoWeekdayOf,
  parseLocalDateTime,
  parseOpeningHours,
  weekdayLong,
  weeklyHours,
} from '../../lib/format';

export function LocationCard({ location }: { location: LocationNode }) {
  const abbr = location.timeZoneAbbreviation;
  const now = parseLocalDateTime(location.localTime);
  const today = now ? isoWeekdayOf(now) : null;
  const localDate = formatLocalDate(location.localTime);
  const hours = weeklyHours(parseOpeningHours(location.openingHours), abbr);
  const services = location.services?.nodes ?? [];

  return (
    <article className="location-card" data-testid="location-card" data-location-id={location.id}>
      <header>
        <h2>{location.name}</h2>
        {location.address ? <p className="address">{location.address}</p> : null}
      </header>

      <p className="zone" data-testid="time-zone">
        {formatTimeZone(location.timeZone, abbr)}
      </p>
      <p className="local-time" data-testid="local-time">
        {`Local time ${formatLocalTime(location.localTime, abbr)}`}
        {localDate ? <span className="local-date">{` · ${localDate}`}</span> : null}
      </p>

      <section aria-label={`Opening hours of ${location.name}`}>
        <h3>Opening hours</h3>
        <ul className="hours" data-testid="opening-hours">
          {hours.map((row) => (
            <li
              key={row.weekday}
              className={[row.closed ? 'closed' : '', row.weekday === today ? 'today' : ''].filter(Boolean).join(' ') || undefined}
              aria-current={row.weekday === today ? 'date' : undefined}
            >
              <abbr className="day" title={weekdayLong(row.weekday)}>
                {row.day}
              </abbr>{' '}
              <span className="time">{row.hours}</span>
            </li>
          ))}
        </ul>
      </section>

      <section aria-label={`Services at ${location.name}`}>
        <h3>Services</h3>
        {services.length === 0 ? (
          <p className="empty">No services offered here yet.</p>
        ) : (
          <ul className="services" data-testid="services">
            {services.map((service) => (
              <li key={service.id}>
                <div className="service-line">
                  <span className="service-name">{service.name}</span>
                  <span className="service-meta">
                    {`${formatDuration(service.durationMinutes)} · ${formatPrice(service.priceCents, service.currency)}`}
                  </span>
                </div>
                {service.description ? <p className="service-description">{service.description}</p> : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    </article>
  );
}
