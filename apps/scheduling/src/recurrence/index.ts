export { expandSeries, type ExpansionWindow, type Occurrence, type SeriesDefinition } from './expand';
export { parseRecurrenceRule, RecurrenceInvalid, type RecurrenceRule } from './rrule';
