// What the shipped mysql-connectivity runbook must say in each lab scenario: the exit code, every
// question's verdict and exactly the findings that are true. The lab test checks it against the
// live lab; the recordings of test/fixtures/recordings/ carry it as their expect.yaml.
import type { Status } from '../../src/model/outcome.js';
import type { ArticleScenario as Scenario } from '../lab/faults.js';
import { LAB_DB } from '../lab/topology.js';

export type ArticleQuestions = Record<'service-up' | 'port-listening' | 'hosts-reach' | 'client-connects' | 'proof' | 'database-answers', Status>;

export interface ArticleExpectation {
  readonly exitCode: number;
  readonly questions: ArticleQuestions;
  readonly findings: readonly string[];
}

const healthy: ArticleQuestions = { 'service-up': 'pass', 'port-listening': 'pass', 'hosts-reach': 'pass', 'client-connects': 'pass', proof: 'pass', 'database-answers': 'pass' };
const refusedRemotely = { 'client-connects': 'fail', proof: 'fail', 'database-answers': 'fail' } as const;
/** TCP is fine in these: only the database's own answer tells. */
const silentDatabase = { ...healthy, 'database-answers': 'fail' } as const;

export const ARTICLE_EXPECTED: Readonly<Record<Scenario, ArticleExpectation>> = {
  healthy: { exitCode: 0, questions: healthy, findings: [] },
  'icmp-blocked': { exitCode: 0, questions: healthy, findings: ['icmp-filtered'] },
  'mysql-down': { exitCode: 1, questions: { ...healthy, 'service-up': 'fail', 'port-listening': 'skipped', ...refusedRemotely }, findings: ['service-down'] },
  'bind-localhost': { exitCode: 1, questions: { ...healthy, 'port-listening': 'fail', ...refusedRemotely }, findings: ['bound-to-loopback'] },
  'bind-other-address': { exitCode: 1, questions: { ...healthy, 'port-listening': 'fail', ...refusedRemotely }, findings: ['bound-elsewhere'] },
  'port-filtered': { exitCode: 1, questions: { ...healthy, ...refusedRemotely }, findings: ['port-filtered'] },
  'port-rejected': { exitCode: 1, questions: { ...healthy, ...refusedRemotely }, findings: ['port-rejected'] },
  'wrong-port': { exitCode: 1, questions: { ...healthy, 'port-listening': 'fail', ...refusedRemotely }, findings: ['wrong-port'] },
  // The database is asked over a forwarded channel: no tool on the host is needed for that.
  'tools-missing': { exitCode: 3, questions: { ...healthy, 'client-connects': 'error', proof: 'error' }, findings: ['tool-missing'] },
  'mysql-hung': { exitCode: 1, questions: silentDatabase, findings: ['service-hung'] },
  'access-denied': { exitCode: 1, questions: silentDatabase, findings: ['access-denied'] },
  'account-locked': { exitCode: 1, questions: silentDatabase, findings: ['account-locked'] },
  'password-expired': { exitCode: 1, questions: silentDatabase, findings: ['password-expired'] },
  'database-missing': { exitCode: 1, questions: silentDatabase, findings: ['database-missing'] },
  'too-many-connections': { exitCode: 1, questions: silentDatabase, findings: ['too-many-connections'] },
  'user-connection-limit': { exitCode: 1, questions: silentDatabase, findings: ['user-connection-limit'] },
  'query-blocked': { exitCode: 1, questions: silentDatabase, findings: ['query-blocked'] },
  'row-locked': { exitCode: 1, questions: silentDatabase, findings: ['query-blocked'] },
  'host-blocked': { exitCode: 1, questions: silentDatabase, findings: ['host-blocked'] },
};

/**
 * The app's credentials and its query (one that reads a table: a lock on it stalls the query, where
 * SELECT 1 would not notice), as a CI job would pass them: the password only in the environment.
 */
export const ARTICLE_CREDENTIALS = ['--var', `db_user=${LAB_DB.user}`, '--var', `db_name=${LAB_DB.database}`, '--var', `db_query=${LAB_DB.query}`];
export const ARTICLE_ENVIRONMENT = { RUNBOOK_VAR_db_password: LAB_DB.password };
