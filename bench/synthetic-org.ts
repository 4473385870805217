/**
 * The benchmark's world: a sales team of mapped reps in RingCentral, and a Salesforce org with their users,
 * accounts, contacts, leads and open opportunities. Deterministic from a seed; people and numbers are invented.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { SimExtension } from '../src/simulators/ringcentral/state.ts';
import { to18 } from '../src/simulators/salesforce/ids.ts';
import type { SalesforceSeed } from '../src/simulators/salesforce/salesforce-simulator.ts';

/** A small deterministic PRNG (mulberry32): the same seed gives the same world and the same calls. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}

export interface Rep {
  readonly extensionId: string;
  readonly name: string;
  readonly email: string;
  readonly userId: string;
  readonly did: string;
}

/** Someone the reps talk to who is already in the org: a Contact (with an account) or a Lead. */
export interface KnownPerson {
  readonly type: 'Contact' | 'Lead';
  readonly id: string;
  readonly name: string;
  /** E.164, as RingCentral's call log writes it. */
  readonly e164: string;
  readonly accountId?: string;
  /** Another contact of the same account (for conference calls), by name. */
  readonly colleague?: string;
}

export interface World {
  readonly reps: readonly Rep[];
  readonly known: readonly KnownPerson[];
  readonly salesforce: SalesforceSeed;
  readonly extensions: readonly SimExtension[];
  readonly mappingYaml: string;
  /** The `full` mode's mapping: the same, plus mapped Task fields and the Opportunity next step. */
  readonly fullMappingYaml: string;
}

const FIRST = ['Avery', 'Jordan', 'Riley', 'Casey', 'Morgan', 'Quinn', 'Harper', 'Rowan', 'Elliot', 'Sasha', 'Noor', 'Kenji', 'Lucia', 'Mateo', 'Ingrid', 'Tomasz', 'Amara', 'Felix', 'Yara', 'Dmitri'];
const LAST = ['Ellis', 'Okafor', 'Lindqvist', 'Moreau', 'Tanaka', 'Brennan', 'Castillo', 'Novak', 'Haddad', 'Fischer', 'Osei', 'Kowalski', 'Iyer', 'Sorensen', 'Mendes', 'Abara', 'Whitfield', 'Petrov', 'Nakamura', 'Duarte'];
const COMPANY = ['Northwind', 'Contoso', 'Fabrikam', 'Tailspin', 'Litware', 'Proseware', 'Adatum', 'Woodgrove', 'Lucerne', 'Fourth Coffee', 'Wingtip', 'Alpine Ski', 'Blue Yonder', 'Coho Vineyard', 'Graphic Design', 'Humongous', 'Margie Travel', 'Trey Research', 'Wide World', 'Southridge'];
const SUFFIX = ['Ltd', 'Inc', 'GmbH', 'Group', 'Labs', 'Partners'];
const REP_NAMES = ['Alex Carter', 'Blair Nguyen', 'Cameron Singh', 'Dana Kim', 'Emery Rossi', 'Frankie Adeyemi', 'Gale Johansson', 'Hollis Baptiste'];

/** US area codes that libphonenumber accepts with a 555 exchange: org people use the first ones, new callers the last. */
export const AREA_CODES: readonly number[] = Array.from({ length: 800 }, (_, i) => 200 + i).filter((a) => parsePhoneNumberFromString(`+1${a}5551234`)?.isValid() === true);

const id = (prefix: string, n: number) => to18(`${prefix}Bm${String(n).padStart(10, '0')}`);

/** Formats a US number the way people type it into Salesforce (the sync must normalise all of them). */
function typed(r: () => number, area: number, line: number): string {
  const l = String(line).padStart(4, '0');
  switch (Math.floor(r() * 4)) {
    case 0:
      return `(${area}) 555-${l}`;
    case 1:
      return `${area}-555-${l}`;
    case 2:
      return `+1 ${area} 555 ${l}`;
    default:
      return `${area}.555.${l}`;
  }
}

/** Builds the org: `accounts` accounts with 2 or 3 contacts each, `leads` leads, an open opportunity on most accounts. */
export function buildWorld(seed: number, opts: { accounts?: number; leads?: number } = {}): World {
  const r = rng(seed);
  const nAccounts = opts.accounts ?? 120;
  const nLeads = opts.leads ?? 100;
  const reps: Rep[] = REP_NAMES.map((name, i) => ({
    extensionId: String(63_000_000_001 + i),
    name,
    email: `${name.toLowerCase().replace(/\s+/g, '.')}@acme-robotics.example`,
    userId: id('005', i + 1),
    did: `+1415555${String(200 + i).padStart(4, '0')}`,
  }));
  const users = reps.map((rep) => {
    const [FirstName, LastName] = rep.name.split(' ');
    return { Id: rep.userId, FirstName, LastName, Email: rep.email, Username: rep.email, IsActive: true };
  });
  const accounts: Array<Record<string, unknown>> = [];
  const contacts: Array<Record<string, unknown>> = [];
  const opps: Array<Record<string, unknown>> = [];
  const known: KnownPerson[] = [];
  let line = 1000;
  let personIx = 0;
  const nextName = () => {
    const n = `${FIRST[personIx % FIRST.length]} ${LAST[Math.floor(personIx / FIRST.length) % LAST.length]}`;
    personIx++;
    return n;
  };
  for (let a = 0; a < nAccounts; a++) {
    const accountId = id('001', a + 1);
    const owner = pick(r, reps).userId;
    const area = AREA_CODES[a % 200]!;
    accounts.push({ Id: accountId, Name: `${COMPANY[a % COMPANY.length]} ${SUFFIX[Math.floor(a / COMPANY.length) % SUFFIX.length]} ${a + 1}`, Phone: typed(r, area, 1), OwnerId: owner });
    if (r() < 0.7) opps.push({ Id: id('006', a + 1), Name: `Opportunity ${a + 1}`, AccountId: accountId, StageName: 'Qualification', CloseDate: '2025-12-15', OwnerId: owner });
    const size = 2 + (r() < 0.5 ? 1 : 0);
    const names = Array.from({ length: size }, nextName);
    names.forEach((name, k) => {
      const contactId = id('003', contacts.length + 1);
      const [FirstName, LastName] = name.split(' ');
      line += 1;
      const phoneField = r() < 0.7 ? 'Phone' : 'MobilePhone';
      contacts.push({ Id: contactId, FirstName, LastName, [phoneField]: typed(r, area, line), AccountId: accountId, OwnerId: owner });
      known.push({ type: 'Contact', id: contactId, name, e164: `+1${area}555${String(line).padStart(4, '0')}`, accountId, colleague: names[(k + 1) % size]! });
    });
  }
  const leads: Array<Record<string, unknown>> = [];
  for (let l = 0; l < nLeads; l++) {
    const leadId = id('00Q', l + 1);
    const name = nextName();
    const [FirstName, LastName] = name.split(' ');
    const area = AREA_CODES[200 + (l % 100)]!;
    line += 1;
    leads.push({ Id: leadId, FirstName, LastName, Company: `Prospect ${l + 1}`, Phone: typed(r, area, line), Status: 'Open - Not Contacted', OwnerId: pick(r, reps).userId });
    known.push({ type: 'Lead', id: leadId, name, e164: `+1${area}555${String(line).padStart(4, '0')}` });
  }
  // Half the reps are mapped by Salesforce user id, half by e-mail (both forms a real mapping file uses).
  const mapping = (full: boolean): string => [
    'users:',
    ...reps.map((rep, i) => (i % 2 === 0 ? `  "${rep.extensionId}": { salesforceUserId: "${rep.userId}" }` : `  "${rep.extensionId}": { email: "${rep.email}" }`)),
    'activity:',
    '  relatedTo: open_opportunity',
    ...(full ? ['  transcriptFile: true'] : []),
    'followUps:',
    '  dueInBusinessDays: 2',
    ...(full ? ['fields:', '  task:', '    RingSense_Sentiment__c: sentiment', '    RingSense_Score__c: aiScore', '    RingSense_Link__c: rsRecordUri', 'opportunity:', '  nextStep: latest_call'] : []),
    '',
  ].join('\n');
  const mappingYaml = mapping(false);
  const fullMappingYaml = mapping(true);
  return {
    reps,
    known,
    salesforce: {
      records: { User: users, Account: accounts, Contact: contacts, Lead: leads, Opportunity: opps },
      // The org's own fields the full mode writes (declared in every run: a field nobody maps costs nothing).
      fields: {
        Task: [
          { name: 'RingSense_Sentiment__c', type: 'picklist', picklistValues: ['Positive', 'Neutral', 'Mixed', 'Negative'], restrictedPicklist: true },
          { name: 'RingSense_Score__c', type: 'double', precision: 4, scale: 1 },
          { name: 'RingSense_Link__c', type: 'url', length: 255 },
        ],
      },
    },
    fullMappingYaml,
    extensions: reps.map((rep, i) => ({ id: rep.extensionId, extensionNumber: String(201 + i), name: rep.name, email: rep.email, status: 'Enabled', type: 'User' })),
    mappingYaml,
  };
}
