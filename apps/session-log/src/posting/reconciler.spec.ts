import { MAX_REPUBLISH_INTERVAL_MS, republishDue } from './reconciler';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const GRACE = 30 * SECOND;
const NOW = Date.parse('2026-12-04T12:00:00Z');
const ago = (ms: number) => new Date(NOW - ms);

describe('republishDue: how often an unacknowledged posted version goes out again', () => {
  it('never republishes an event the relay has not published yet', () => {
    expect(republishDue(NOW, ago(2 * HOUR), null, GRACE)).toBe(false);
  });

  it('republishes a version lost a moment ago once the grace period has passed since it was published', () => {
    expect(republishDue(NOW, ago(29 * SECOND), ago(29 * SECOND), GRACE)).toBe(false);
    expect(republishDue(NOW, ago(31 * SECOND), ago(31 * SECOND), GRACE)).toBe(true);
  });

  it('waits a quarter of the version’s age between republishings, so a consumer down for hours is not flooded every pass', () => {
    // Signed 2 hours ago, last sent 10 minutes ago: a quarter of 2 h is 30 min.
    expect(republishDue(NOW, ago(2 * HOUR), ago(10 * MINUTE), GRACE)).toBe(false);
    expect(republishDue(NOW, ago(2 * HOUR), ago(31 * MINUTE), GRACE)).toBe(true);
  });

  it('waits at most an hour, however old the version', () => {
    expect(republishDue(NOW, ago(30 * 24 * HOUR), ago(MAX_REPUBLISH_INTERVAL_MS - MINUTE), GRACE)).toBe(false);
    expect(republishDue(NOW, ago(30 * 24 * HOUR), ago(MAX_REPUBLISH_INTERVAL_MS), GRACE)).toBe(true);
  });
});
