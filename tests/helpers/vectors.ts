// The worked time examples of ../shared/vectors, copied to tests/fixtures so tests run without shared/.
import { readFileSync } from 'node:fs';

export interface RecurrenceVector {
  id: string;
  tz: string;
  dtstart_local: string;
  duration_minutes: number;
  rrule: string;
  window_utc: [string, string];
  exdates_local?: string[];
  expected: { start_utc: string; end_utc: string; start_local: string }[];
}

export interface InstantVector {
  id: string;
  tz: string;
  utc: string;
  expected_local: string;
  expected_utc_offset: string;
  expected_abbreviation: string;
}

export const timeVectors = JSON.parse(readFileSync(new URL('../fixtures/recurrence-sample.json', import.meta.url), 'utf8')) as {
  vectors: RecurrenceVector[];
  instants: InstantVector[];
};
