import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { TenantTransactions } from '@sessionledger/persistence';
import { AuditLog, OPERATOR_ACTOR } from '../audit/audit-log';
import { Passwords } from '../auth/passwords';
import { Guardian, GuardianStudent, GroupMember, School, Student, StudentGroup } from '../directory/directory.entities';
import { DistrictProvisioning, NewUser } from '../directory/district/district-provisioning';

export const DEMO_DOMAIN = 'demo.sessionledger.test';
export const SECOND_DEMO_DOMAIN = 'riverside.sessionledger.test';

const FIRST_NAMES = ['Ava', 'Noah', 'Mia', 'Liam', 'Zoe', 'Mateo', 'Chloé', 'Ethan', 'Aaliyah', 'Lucas', 'Sofía', 'Owen', 'Nora', 'Elijah', 'Layla', 'Caleb', 'Maya', 'Isaac', 'Ruby', 'Diego'];
const LAST_NAMES = ['Nguyen', 'Garcia', 'Okafor', 'Smith', 'Johnson', 'Álvarez', 'Kim', 'Brown', 'Patel', 'Müller'];

export interface DemoSummary {
  district: string;
  created: boolean;
  users: string[];
}

/**
 * Two demo districts: the main one (two schools, staff of every role, 40
 * students with guardians, groups) and a small second one, so isolation can
 * be seen. Running it again changes nothing.
 */
@Injectable()
export class DemoSeeder {
  constructor(
    private readonly provisioning: DistrictProvisioning,
    private readonly transactions: TenantTransactions,
    private readonly passwords: Passwords,
    private readonly audit: AuditLog,
  ) {}

  async seed(password: string): Promise<DemoSummary[]> {
    return [
      await this.seedDistrict(password, {
        domain: DEMO_DOMAIN,
        name: 'Demo Unified School District',
        timeZone: 'America/Chicago',
        // Numeric state school ids, as Ed-Fi's schoolId requires, so the demo's own Ed-Fi export has records.
        schools: [
          ['Lincoln Elementary', '255901101'],
          ['Washington Middle', '255901041'],
        ],
        studentsPerSchool: 20,
      }),
      await this.seedDistrict(password, {
        domain: SECOND_DEMO_DOMAIN,
        name: 'Riverside Demo District',
        timeZone: 'America/Denver',
        schools: [['Riverside High', '255902001']],
        studentsPerSchool: 8,
      }),
    ];
  }

  private async seedDistrict(
    password: string,
    plan: { domain: string; name: string; timeZone: string; schools: [string, string][]; studentsPerSchool: number },
  ): Promise<DemoSummary> {
    const adminEmail = `district-admin@${plan.domain}`;
    const users = ['district-admin', 'school-admin', 'tutor', 'coach', 'payroll', 'guardian', 'student'].map((who) => `${who}@${plan.domain}`);
    if (await this.provisioning.emailTaken(adminEmail)) return { district: plan.name, created: false, users };

    const { districtId } = await this.provisioning.createDistrict({
      name: plan.name,
      timeZone: plan.timeZone,
      admin: { email: adminEmail, firstName: 'Dana', lastName: 'Admin', password },
      command: 'seed-demo',
    });
    const passwordHash = await this.passwords.hash(password);
    await this.transactions.run(districtId, async (em) => {
      const created = plan.schools.map(([name, code]) => {
        const school = new School(districtId, name, code);
        em.persist(school);
        return school;
      });
      const allSchoolIds = created.map((school) => school.id);
      const staff = (user: NewUser) => this.provisioning.addUser(em, districtId, user, passwordHash);
      staff({ email: `school-admin@${plan.domain}`, firstName: 'Sam', lastName: 'Principal', roles: ['school_admin'], schoolIds: [allSchoolIds[0]] });
      const tutor = staff({ email: `tutor@${plan.domain}`, firstName: 'Terry', lastName: 'Tutor', roles: ['provider'], providerKind: 'tutor', schoolIds: allSchoolIds });
      const coach = staff({ email: `coach@${plan.domain}`, firstName: 'Casey', lastName: 'Coach', roles: ['provider'], providerKind: 'coach', schoolIds: [allSchoolIds[0]] });
      staff({ email: `payroll@${plan.domain}`, firstName: 'Pat', lastName: 'Payroll', roles: ['payroll'] });
      const guardianUser = staff({ email: `guardian@${plan.domain}`, firstName: 'Gale', lastName: 'Parent', roles: ['guardian'] });
      const studentUser = staff({ email: `student@${plan.domain}`, firstName: FIRST_NAMES[0], lastName: LAST_NAMES[0], roles: ['student'] });

      const students = this.addStudents(em, districtId, created, plan.studentsPerSchool, coach.id);
      students[0].userId = studentUser.id;
      this.addGuardians(em, districtId, students, guardianUser.id);
      this.addGroups(em, districtId, created, students, tutor.id);
      await em.flush();
      // One entry for the whole demo directory, like a roster import: an entry per demo row would say nothing more.
      const count = async (table: string) => ((await em.execute(`select count(*)::int as n from gateway.${table}`)) as { n: number }[])[0].n;
      await this.audit.record(em, districtId, OPERATOR_ACTOR, [
        {
          action: 'directory.demo-seed',
          subjectType: 'district',
          subjectId: districtId,
          detail: {
            command: 'seed-demo',
            counts: {
              schools: created.length,
              users: await count('app_user'),
              students: students.length,
              guardians: await count('guardian'),
              groups: await count('student_group'),
            },
          },
        },
      ], null);
    });
    return { district: plan.name, created: true, users };
  }

  private addStudents(em: EntityManager, districtId: string, schools: School[], perSchool: number, homeboundTeacherId: string): Student[] {
    const students: Student[] = [];
    schools.forEach((school, schoolIndex) => {
      for (let i = 0; i < perSchool; i++) {
        const n = schoolIndex * perSchool + i;
        const student = new Student(
          districtId,
          `L${String(n + 1).padStart(5, '0')}`,
          FIRST_NAMES[n % FIRST_NAMES.length],
          LAST_NAMES[(n + schoolIndex) % LAST_NAMES.length],
          String(3 + (n % 6)),
          school.id,
        );
        student.stateId = `${9_100_000_000 + n}`;
        student.hasIep = n % 5 === 0;
        if (n % 13 === 0) student.homeboundTeacherId = homeboundTeacherId;
        em.persist(student);
        students.push(student);
      }
    });
    return students;
  }

  /** One guardian per student; the demo guardian signs in for the first two. */
  private addGuardians(em: EntityManager, districtId: string, students: Student[], guardianUserId: string): void {
    const demoGuardian = new Guardian(districtId, 'Gale', 'Parent');
    demoGuardian.userId = guardianUserId;
    demoGuardian.email = null;
    em.persist(demoGuardian);
    students.forEach((student, index) => {
      if (index < 2) {
        em.persist(new GuardianStudent(districtId, demoGuardian.id, student.id));
        return;
      }
      const guardian = new Guardian(districtId, FIRST_NAMES[(index + 7) % FIRST_NAMES.length], student.lastName);
      em.persist(guardian);
      em.persist(new GuardianStudent(districtId, guardian.id, student.id));
    });
  }

  private addGroups(em: EntityManager, districtId: string, schools: School[], students: Student[], providerId: string): void {
    schools.forEach((school) => {
      const atSchool = students.filter((student) => student.schoolId === school.id);
      for (const [index, size] of [4, 6].entries()) {
        const group = new StudentGroup(districtId, `${school.name.split(' ')[0]} reading group ${index + 1}`, school.id, providerId);
        em.persist(group);
        for (const student of atSchool.slice(index * 6, index * 6 + size)) em.persist(new GroupMember(districtId, group.id, student.id));
      }
    });
  }
}
