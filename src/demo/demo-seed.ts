/**
 * The demo's world: a RingCentral account with two reps and their recorded calls (src/demo/sample-calls.ts),
 * and a Salesforce org with the reps as users and the people they talk to as contacts and leads.
 * `npm run simulate` and `npm run demo` load it; config/mapping.yaml maps the reps.
 */
import type { RingCentralSeed, SimRecording } from '../simulators/ringcentral/state.ts';
import { to18 } from '../simulators/salesforce/ids.ts';
import type { SalesforceSeed } from '../simulators/salesforce/salesforce-simulator.ts';
import type { SimulatorsSeed } from '../simulators/start-simulators.ts';
import { REP_JOHN, REP_MARIA, sampleCalls, type SampleName } from './sample-calls.ts';

/** Fixed ids, so config/mapping.yaml can name them. */
export const DEMO_IDS = {
  userJohn: to18('005Dm0000000001'),
  userMaria: to18('005Dm0000000002'),
  userFormer: to18('005Dm0000000003'),
  accountDebolah: to18('001Dm0000000001'),
  accountNorthwind: to18('001Dm0000000002'),
  accountContoso: to18('001Dm0000000003'),
  contactTracy: to18('003Dm0000000001'),
  contactSean: to18('003Dm0000000002'),
  contactPriya: to18('003Dm0000000003'),
  contactLukas: to18('003Dm0000000004'),
  leadAmelia: to18('00QDm0000000001'),
  oppNorthwind: to18('006Dm0000000001'),
  oppContoso: to18('006Dm0000000002'),
} as const;

const JOHN_DID = '+14155550101';
const MARIA_DID = '+14155550102';

/** Who was on the line, as the call log has it (RingSense itself carries no phone numbers). */
const CALL_LOGS: Record<SampleName, SimRecording['callLog']> = {
  'documented-example': { from: { phoneNumber: JOHN_DID, name: 'John Smith', extensionId: REP_JOHN }, to: { phoneNumber: '+16505550142', name: 'Tracy Debolah' } },
  'inbound-highlights': { from: { phoneNumber: '(312) 555-0177', name: "Sean O'Brien" }, to: { phoneNumber: MARIA_DID, name: 'Maria Garcia', extensionId: REP_MARIA } },
  'no-external-speaker': { from: { extensionNumber: '101', name: 'John Smith', extensionId: REP_JOHN }, to: { extensionNumber: '102', name: 'Maria Garcia', extensionId: REP_MARIA } },
  'two-external-speakers': { from: { phoneNumber: JOHN_DID, name: 'John Smith', extensionId: REP_JOHN }, to: { phoneNumber: '+4930901820', name: 'Contoso Ltd' } },
  'no-next-steps': { from: { phoneNumber: MARIA_DID, name: 'Maria Garcia', extensionId: REP_MARIA }, to: { phoneNumber: '+16505550142', name: 'Tracy Debolah' } },
  'very-long-call': { from: { phoneNumber: JOHN_DID, name: 'John Smith', extensionId: REP_JOHN }, to: { phoneNumber: '+442079460321', name: 'Fabrikam Inc' } },
};

/** The whole demo world, for `startSimulators({ seed: demoSeed() })`. */
export function demoSeed(): SimulatorsSeed {
  return { ringcentral: demoRingCentralSeed(), salesforce: demoSalesforceSeed() };
}

export function demoRingCentralSeed(names: readonly SampleName[] = Object.keys(CALL_LOGS) as SampleName[]): RingCentralSeed {
  const calls = sampleCalls();
  return {
    extensions: [
      { id: REP_JOHN, extensionNumber: '101', name: 'John Smith', email: 'john.smith@acme-robotics.example', status: 'Enabled', type: 'User' },
      { id: REP_MARIA, extensionNumber: '102', name: 'Maria Garcia', email: 'maria.garcia@acme-robotics.example', status: 'Enabled', type: 'User' },
    ],
    recordings: names.map((n) => ({ insights: calls[n].body, callLog: CALL_LOGS[n] })),
  };
}

export function demoSalesforceSeed(): SalesforceSeed {
  const i = DEMO_IDS;
  // Each rep's own time zone (User.TimeZoneSidKey): their calls and follow-ups are dated in their day.
  const user = (Id: string, FirstName: string, LastName: string, Email: string, TimeZoneSidKey: string, IsActive = true) => ({
    Id, FirstName, LastName, Email, Username: Email, TimeZoneSidKey, IsActive,
  });
  return {
    records: {
      User: [
        user(i.userJohn, 'John', 'Smith', 'john.smith@acme-robotics.example', 'America/Los_Angeles'),
        user(i.userMaria, 'Maria', 'Garcia', 'maria.garcia@acme-robotics.example', 'America/New_York'),
        user(i.userFormer, 'Pat', 'Former', 'pat.former@acme-robotics.example', 'America/Chicago', false),
      ],
      Account: [
        { Id: i.accountDebolah, Name: 'Debolah Consulting', Phone: '(650) 555-0100', OwnerId: i.userJohn },
        { Id: i.accountNorthwind, Name: 'Northwind Traders', Phone: '(312) 555-0100', OwnerId: i.userMaria },
        { Id: i.accountContoso, Name: 'Contoso Ltd', Phone: '+49 30 901800', OwnerId: i.userJohn },
      ],
      Contact: [
        { Id: i.contactTracy, FirstName: 'Tracy', LastName: 'Debolah', Phone: '(650) 555-0142', Email: 'tracy@debolah.example', AccountId: i.accountDebolah, OwnerId: i.userJohn },
        { Id: i.contactSean, FirstName: 'Sean', LastName: "O'Brien", MobilePhone: '312-555-0177', Email: 'sean.obrien@northwind.example', AccountId: i.accountNorthwind, OwnerId: i.userMaria },
        { Id: i.contactPriya, FirstName: 'Priya', LastName: 'Natarajan', Phone: '+49 30 901820', AccountId: i.accountContoso, OwnerId: i.userJohn },
        { Id: i.contactLukas, FirstName: 'Lukas', LastName: 'Becker', AccountId: i.accountContoso, OwnerId: i.userJohn },
      ],
      Lead: [
        { Id: i.leadAmelia, FirstName: 'Amelia', LastName: 'Hart', Company: 'Fabrikam Inc', Phone: '+44 20 7946 0321', Status: 'Open - Not Contacted', OwnerId: i.userJohn },
      ],
      Opportunity: [
        { Id: i.oppNorthwind, Name: 'Northwind - warehouse robots, 3 sites', AccountId: i.accountNorthwind, StageName: 'Qualification', CloseDate: '2024-12-15', OwnerId: i.userMaria },
        { Id: i.oppContoso, Name: 'Contoso - EU rollout', AccountId: i.accountContoso, StageName: 'Proposal/Price Quote', CloseDate: '2025-01-31', OwnerId: i.userJohn },
      ],
    },
  };
}

/** The mapping the demo runs with: the reps of the demo world (see config/mapping.example.yaml for every key). */
export const DEMO_MAPPING_YAML = `
users:
  "${REP_JOHN}": { salesforceUserId: "${DEMO_IDS.userJohn}" }        # John Smith, by Salesforce user id
  "${REP_MARIA}": { email: "maria.garcia@acme-robotics.example" }  # Maria Garcia, by e-mail
activity:
  relatedTo: open_opportunity
followUps:
  dueInBusinessDays: 2
`;

/**
 * What the demo runs with: the demo mapping, plus what shows the most of a call in Salesforce (each call's whole
 * transcript as a note, the latest call's next step on its opportunity). The tests use DEMO_MAPPING_YAML.
 */
export const DEMO_SHOWCASE_MAPPING_YAML = `${DEMO_MAPPING_YAML.replace('activity:\n', 'activity:\n  transcriptFile: true\n')}opportunity:
  nextStep: latest_call
`;
