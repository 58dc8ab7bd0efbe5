import { describe, expect, it } from 'vitest';
import { activeFilter, changeListParams, readListParams, writeListParams } from './address';

describe('directory list address', () => {
  it('reads active records, no search, first page from a bare path', () => {
    expect(readListParams(new URLSearchParams())).toEqual({ q: '', status: 'active', page: 1 });
  });

  it('reads the search, status and page, and drops what the API would refuse', () => {
    expect(readListParams(new URLSearchParams('q=%20Pat%20&status=inactive&page=3'))).toEqual({ q: 'Pat', status: 'inactive', page: 3 });
    expect(readListParams(new URLSearchParams('status=deleted&page=-2'))).toEqual({ q: '', status: 'active', page: 1 });
  });

  it('writes only what differs from the default, and reads back what it wrote', () => {
    expect(writeListParams({ q: '', status: 'active', page: 1 }).toString()).toBe('');
    const written = writeListParams({ q: 'Pat Lee', status: 'all', page: 2 });
    expect(written.toString()).toBe('q=Pat+Lee&status=all&page=2');
    expect(readListParams(written)).toEqual({ q: 'Pat Lee', status: 'all', page: 2 });
  });

  it('goes back to the first page when the search or the status changes', () => {
    expect(changeListParams({ q: 'Pa', status: 'active', page: 4 }, { q: 'Pat' })).toEqual({ q: 'Pat', status: 'active', page: 1 });
  });

  it('asks the API for both active and inactive records only for "all"', () => {
    expect(activeFilter('active')).toBe(true);
    expect(activeFilter('inactive')).toBe(false);
    expect(activeFilter('all')).toBeUndefined();
  });
});
