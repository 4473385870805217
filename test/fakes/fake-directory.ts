import { phoneDigits } from '../../src/lib/phone.ts';
import type { CallLegQuery, DirectoryPerson, DirectoryUser, NewLead, PeopleDirectory, TelephonyDirectory } from '../../src/mapping/directory.port.ts';

/** In-memory Salesforce people, with a log of the calls made (to check caching and lookup order). */
export class FakePeople implements PeopleDirectory {
  users: DirectoryUser[] = [];
  people: DirectoryPerson[] = [];
  opportunities = new Map<string, string>();
  createdLeads: NewLead[] = [];
  /** Organization.TimeZoneSidKey. */
  orgZone: string | undefined;
  calls: string[] = [];

  userById(id: string) {
    this.calls.push(`userById:${id}`);
    return Promise.resolve(this.users.find((u) => u.id === id));
  }
  activeUserByEmail(email: string) {
    this.calls.push(`activeUserByEmail:${email}`);
    return Promise.resolve(this.users.find((u) => u.isActive && u.email?.toLowerCase() === email.toLowerCase()));
  }
  peopleByPhone(e164: string) {
    this.calls.push(`peopleByPhone:${e164}`);
    const last10 = phoneDigits(e164).slice(-10);
    return Promise.resolve(this.people.filter((p) => p.phones.some((ph) => phoneDigits(ph).endsWith(last10.slice(-7)))));
  }
  peopleByName(name: string) {
    this.calls.push(`peopleByName:${name}`);
    return Promise.resolve(this.people.filter((p) => p.name.toLowerCase() === name.toLowerCase()));
  }
  openOpportunity(accountId: string) {
    this.calls.push(`openOpportunity:${accountId}`);
    return Promise.resolve(this.opportunities.get(accountId));
  }
  createLead(lead: NewLead) {
    this.createdLeads.push(lead);
    return Promise.resolve(`00QFake00000${String(this.createdLeads.length).padStart(3, '0')}AAA`);
  }
  orgTimeZone() {
    this.calls.push('orgTimeZone');
    return Promise.resolve(this.orgZone);
  }
}

export class FakeTelephony implements TelephonyDirectory {
  emails = new Map<string, string>();
  numbers = new Map<string, string>();
  calls: string[] = [];

  extensionEmail(extensionId: string) {
    this.calls.push(`extensionEmail:${extensionId}`);
    return Promise.resolve(this.emails.get(extensionId));
  }
  externalNumber(call: CallLegQuery) {
    this.calls.push(`externalNumber:${call.sourceSessionId}`);
    return Promise.resolve(this.numbers.get(call.sourceSessionId));
  }
}
