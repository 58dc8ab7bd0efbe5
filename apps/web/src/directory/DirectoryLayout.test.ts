import { describe, expect, it } from 'vitest';
import { tabOf } from './DirectoryLayout';

describe(tabOf.name, () => {
  it('marks the list a record or form belongs to', () => {
    expect(tabOf('/admin/directory/staff')).toBe('/admin/directory/staff');
    expect(tabOf('/admin/directory/students/new')).toBe('/admin/directory/students');
    expect(tabOf('/admin/directory/groups/0b6f2a4e-0000-4000-8000-000000000000')).toBe('/admin/directory/groups');
  });

  it('does not take staff groups for staff', () => {
    expect(tabOf('/admin/directory/staff-groups')).toBe('/admin/directory/staff-groups');
    expect(tabOf('/admin/directory/staff-groups/new')).toBe('/admin/directory/staff-groups');
  });
});
