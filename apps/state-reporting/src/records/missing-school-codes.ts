import type { EntityManager } from '@mikro-orm/postgresql';
import type { SchoolChanged } from '@sessionledger/contracts';

const S = 'state_reporting';

/**
 * Records posted while this service did not yet know a school's state code
 * (schools the seed or roster import wrote were once never announced) carry
 * none, and exports skip them. When the code arrives, it fills the gaps, and
 * only the gaps: a code the state was already sent is history, not a typo.
 * The next export then sends those records as additions.
 */
export async function fillMissingSchoolCodes(em: EntityManager, school: SchoolChanged): Promise<void> {
  if (!school.stateSchoolCode) return;
  const code = school.stateSchoolCode;
  await em.execute(`UPDATE ${S}.reportable_record SET school_code = ? WHERE school_id = ? AND school_code IS NULL`, [code, school.schoolId]);
  await em.execute(`UPDATE ${S}.reportable_record SET student_school_code = ? WHERE student_school_id = ? AND student_school_code IS NULL`, [code, school.schoolId]);
  await em.execute(`UPDATE ${S}.reported_session SET school_code = ? WHERE school_id = ? AND school_code IS NULL`, [code, school.schoolId]);
  await em.execute(`UPDATE ${S}.coaching_record SET school_code = ? WHERE school_id = ? AND school_code IS NULL`, [code, school.schoolId]);
}
