/**
 * An Event's time fields as Salesforce settles them on create and update (pure: values in, values out).
 *
 * From the Object Reference, Event (sforce_api_objects_event.htm) [DOC]:
 * - IsAllDayEvent false: DurationInMinutes or EndDateTime must be given; both are allowed "if the values add up to
 *   the same amount of time". IsAllDayEvent true: either may be given; both null -> the duration is one day.
 * - ActivityDateTime (timed events) and ActivityDate (all-day events) "and StartDateTime must match, or one of them
 *   must be null": a start given as either is the start, both given and different is refused.
 * - ActivityDate is a date at midnight UTC; an all-day event's times are whole days.
 * - Multiday events (Setup > Activity Settings) allow a duration over 1,440 minutes, up to 14 days (20,160 minutes).
 * Error codes [3P, observed]: a duration out of range is FIELD_INTEGRITY_EXCEPTION ("Duration must be between 0 and
 * 1440 minutes: Duration" without multiday events, support.rivasync.com); a missing end is REQUIRED_FIELD_MISSING
 * "Required fields are missing: [DurationInMinutes]" (the error commonly reported from Apex inserts).
 * Inferred [INF]: the wording for a start after the end, for an end and duration that disagree, and for over 14
 * days; a missing start answers REQUIRED_FIELD_MISSING [StartDateTime]; an all-day event's EndDateTime is the start
 * of its last day (1 day: StartDateTime = EndDateTime, 1,440 minutes). Dates are UTC days (Salesforce uses the
 * user's time zone for a timed event's ActivityDate). Multiday events are taken as enabled.
 */
import { SfApiError } from './errors.ts';
import type { SfRecord } from './store.ts';
import { formatDateTime, parseDateTime } from './values.ts';

export const MINUTES_PER_DAY = 1440;
/** The longest event: 14 days. */
export const MAX_EVENT_MINUTES = 14 * MINUTES_PER_DAY;
export const EVENT_TOO_LONG = 'Event duration cannot exceed 14 days';

const MINUTE = 60_000;
const TIME_FIELDS = ['StartDateTime', 'EndDateTime', 'DurationInMinutes', 'ActivityDateTime', 'ActivityDate', 'IsAllDayEvent'] as const;

const integrity = (message: string, field: string): SfApiError => new SfApiError(400, 'FIELD_INTEGRITY_EXCEPTION', message, [field]);
const missing = (field: string): SfApiError => new SfApiError(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${field}]`, [field]);

const given = (changes: SfRecord, field: string): boolean => changes[field] !== undefined && changes[field] !== null;
const ms = (v: unknown): number | undefined => (typeof v === 'string' ? parseDateTime(v)?.getTime() : undefined);
const midnight = (t: number): number => t - (((t % (MINUTES_PER_DAY * MINUTE)) + MINUTES_PER_DAY * MINUTE) % (MINUTES_PER_DAY * MINUTE));
const dayOf = (t: number): string => new Date(t).toISOString().slice(0, 10);

/** Whether a write touches the time fields (an update that does not leaves them as they are). */
export function touchesTiming(changes: SfRecord): boolean {
  return TIME_FIELDS.some((k) => changes[k] !== undefined);
}

/** The start: StartDateTime, or ActivityDateTime / an all-day ActivityDate standing for it; refuses two that differ. */
function settleStart(prev: SfRecord, changes: SfRecord, allDay: boolean): number {
  const start = given(changes, 'StartDateTime') ? ms(changes.StartDateTime) : undefined;
  const activity = given(changes, 'ActivityDateTime') ? ms(changes.ActivityDateTime) : undefined;
  if (start !== undefined && activity !== undefined && start !== activity) {
    throw integrity('Due Date Time: value must match Start Date Time', 'ActivityDateTime');
  }
  let t = start ?? activity;
  const day = given(changes, 'ActivityDate') ? String(changes.ActivityDate) : undefined;
  if (allDay && day !== undefined) {
    if (t !== undefined && dayOf(t) !== day) throw integrity('Due Date Only: value must match Start Date Time', 'ActivityDate');
    t ??= Date.parse(`${day}T00:00:00Z`);
  }
  if (t === undefined && changes.StartDateTime !== null) t = ms(prev.StartDateTime);
  if (t === undefined) throw missing(allDay ? 'ActivityDate' : 'StartDateTime');
  return allDay ? midnight(t) : t;
}

/** Minutes the event lasts: from the duration, the end, or both (which must agree), or kept from before. */
function settleMinutes(prev: SfRecord, changes: SfRecord, start: number, allDay: boolean): number {
  const extra = allDay ? MINUTES_PER_DAY : 0; // an all-day event ends at the start of its last day
  const end = given(changes, 'EndDateTime') ? ms(changes.EndDateTime) : undefined;
  const fromEnd = end === undefined ? undefined : Math.round(((allDay ? midnight(end) : end) - start) / MINUTE) + extra;
  const duration = given(changes, 'DurationInMinutes') ? Number(changes.DurationInMinutes) : undefined;
  if (fromEnd !== undefined && fromEnd - extra < 0) {
    throw integrity('End Date Time: the end must not be before the start', 'EndDateTime');
  }
  if (duration !== undefined && fromEnd !== undefined && duration !== fromEnd) {
    throw integrity('Duration and End Date Time do not agree: DurationInMinutes must equal the minutes from StartDateTime to EndDateTime', 'DurationInMinutes');
  }
  let minutes = duration ?? fromEnd;
  const cleared = changes.EndDateTime === null || changes.DurationInMinutes === null;
  if (minutes === undefined && !cleared && typeof prev.DurationInMinutes === 'number') minutes = prev.DurationInMinutes;
  if (minutes === undefined) {
    if (!allDay) throw missing('DurationInMinutes');
    minutes = MINUTES_PER_DAY;
  }
  if (minutes < 0) throw integrity(`Duration must be between 0 and ${MAX_EVENT_MINUTES} minutes: Duration`, 'DurationInMinutes');
  if (allDay) minutes = Math.max(1, Math.ceil(minutes / MINUTES_PER_DAY)) * MINUTES_PER_DAY;
  if (minutes > MAX_EVENT_MINUTES) throw integrity(EVENT_TOO_LONG, fromEnd !== undefined && duration === undefined ? 'EndDateTime' : 'DurationInMinutes');
  return minutes;
}

/**
 * The time fields of an Event after a write: `prev` is the stored record ({} on create), `changes` what the
 * request sets (defaults applied on create). Throws SfApiError as Salesforce refuses.
 */
export function settleEventTiming(prev: SfRecord, changes: SfRecord): SfRecord {
  const allDay = (changes.IsAllDayEvent ?? prev.IsAllDayEvent) === true;
  const start = settleStart(prev, changes, allDay);
  const minutes = settleMinutes(prev, changes, start, allDay);
  const end = start + (minutes - (allDay ? MINUTES_PER_DAY : 0)) * MINUTE;
  return {
    StartDateTime: formatDateTime(new Date(start)),
    EndDateTime: formatDateTime(new Date(end)),
    DurationInMinutes: minutes,
    ActivityDateTime: allDay ? null : formatDateTime(new Date(start)),
    ActivityDate: dayOf(start),
  };
}
