// Human reasons for "why is this time not offered?", from the layers behind a resource's free time
// (working hours, overrides with their reasons, bookings), the rule blocks (sequence gaps, limits,
// location opening hours) and the engine's verdict. Pure.
import { IntervalSet, type Interval } from './intervals.ts';
import type { CandidateBlocker, RuleBlock } from './search.ts';

export type ReasonCode =
  | 'OUTSIDE_WORKING_HOURS'
  | 'OVERRIDE'
  | 'BOOKED'
  | 'BUFFER'
  | 'NOTICE_WINDOW'
  | 'NOT_A_START_TIME'
  | 'RESOURCE_CONFLICT'
  | 'NO_CANDIDATE'
  | 'GAP_RULE'
  | 'LIMIT_REACHED'
  | 'LOCATION_CLOSED';

export interface Reason {
  code: ReasonCode;
  message: string;
  from: number | null;
  to: number | null;
  /** The rule behind a GAP_RULE or LIMIT_REACHED reason (null for opening hours, which are not a row). */
  ruleId?: string | null;
}

export interface Layer {
  layer: 'working' | 'open' | 'closed' | 'booked';
  from: number;
  to: number;
  reason: string | null;
}

/** Formats an instant for a message; injected so the caller chooses zone and abbreviation. */
export type FormatInstant = (instant: number) => string;

/** The reason a rule block gives, for a candidate's rule or a start's service rules. */
export function ruleReason(rule: RuleBlock, format: FormatInstant): Reason {
  const span = `${format(rule.from)} – ${format(rule.to)}`;
  const message = rule.code === 'GAP_RULE'
    ? `Rule "${rule.ruleName}" needs a gap (${span} is kept clear)`
    : rule.code === 'LIMIT_REACHED' ? `Rule "${rule.ruleName}": limit reached (${span})` : `Outside the opening hours (${rule.ruleName}): closed ${span}`;
  return { code: rule.code, message, from: rule.from, to: rule.to, ruleId: rule.ruleId };
}

/**
 * Reasons a candidate cannot serve the appointment [start, end) with busy range [busyStart, busyEnd).
 * Several can hold at once (e.g. a holiday and a booking); each names its time span. With blocker
 * 'rule', pass the candidate's `rule` (explainStart's CandidateExplanation.rule): it is the reason.
 */
export function candidateReasons(
  layers: readonly Layer[],
  appointment: Interval,
  busy: Interval,
  blocker: CandidateBlocker | null,
  format: FormatInstant,
  rule: RuleBlock | null = null,
): Reason[] {
  if (blocker === null) return [];
  if (blocker === 'outside-notice-window') {
    return [{ code: 'NOTICE_WINDOW', message: 'Could serve, but the start is outside the booking notice window', from: null, to: null }];
  }
  if (blocker === 'rule' && rule) return [ruleReason(rule, format)];
  const reasons: Reason[] = [];
  const working = IntervalSet.from(layers.filter((l) => l.layer === 'working' || l.layer === 'open').map((l) => [l.from, l.to] as const));
  const [start, end] = appointment;
  if (!working.covers(start, end)) {
    // The shifts around the appointment (same local day, roughly): enough to see the hours.
    const shifts = working.toArray().filter(([s, e]) => e > start - 12 * 3_600_000 && s < end + 12 * 3_600_000);
    const hours = shifts.length ? `; works ${shifts.map(([s, e]) => `${format(s)}–${format(e)}`).join(', ')}` : '; no working hours that day';
    reasons.push({ code: 'OUTSIDE_WORKING_HOURS', message: `Outside working hours${hours}`, from: null, to: null });
  } else if (!working.covers(busy[0], busy[1])) {
    reasons.push({ code: 'BUFFER', message: 'Set-up or turnover time would fall outside working hours', from: busy[0], to: busy[1] });
  }
  for (const layer of layers) {
    if (layer.layer === 'closed' && layer.from < busy[1] && layer.to > busy[0]) {
      reasons.push({ code: 'OVERRIDE', message: `${layer.reason ?? 'Closed'} (${format(layer.from)} – ${format(layer.to)})`, from: layer.from, to: layer.to });
    }
  }
  for (const layer of layers) {
    if (layer.layer !== 'booked' || layer.from >= busy[1] || layer.to <= busy[0]) continue;
    if (layer.from < end && layer.to > start) {
      reasons.push({ code: 'BOOKED', message: `Booked ${format(layer.from)} – ${format(layer.to)} (buffers included)`, from: layer.from, to: layer.to });
    } else {
      reasons.push({ code: 'BUFFER', message: `Set-up or turnover time overlaps a booking (${format(layer.from)} – ${format(layer.to)})`, from: layer.from, to: layer.to });
    }
  }
  if (reasons.length === 0) {
    // The engine says it cannot serve but no layer explains it: e.g. a hold (issue-level data not in layers).
    reasons.push({ code: 'BOOKED', message: 'Not free at this time', from: busy[0], to: busy[1] });
  }
  return reasons;
}
