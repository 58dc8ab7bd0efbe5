import { isDistrictTimeZone } from './district.service';

describe('a district time zone', () => {
  it.each(['America/Chicago', 'America/Indiana/Indianapolis', 'Pacific/Honolulu', 'UTC'])('takes the region name %s', (zone) => {
    expect(isDistrictTimeZone(zone)).toBe(true);
  });

  // Intl accepts these, but they are nobody's clock across a daylight-saving change.
  it.each(['EST', 'CST6CDT', '+05:00', 'Etc/GMT+5x', 'Mars/Olympus_Mons', ''])('refuses %p', (zone) => {
    expect(isDistrictTimeZone(zone)).toBe(false);
  });
});
