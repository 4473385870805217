/**
 * What resolving a call's participants needs from the outside world, as domain verbs. The Salesforce and
 * RingCentral adapters implement these; tests use in-process fakes. Deliberately absent: SOQL, SOSL, HTTP,
 * tokens and SDK types.
 */

export interface DirectoryUser {
  readonly id: string;
  readonly isActive: boolean;
  readonly email?: string;
  readonly name?: string;
  /**
   * The user's time zone as Salesforce stores it (`User.TimeZoneSidKey`, an IANA id such as `America/Los_Angeles`):
   * the rep's day, in which their call activities and follow-ups are dated. Absent when Salesforce gave none.
   */
  readonly timeZone?: string;
}

export interface DirectoryPerson {
  readonly type: 'Contact' | 'Lead';
  readonly id: string;
  readonly name: string;
  readonly accountId?: string;
  /** Every phone field's value, as stored (any format). */
  readonly phones: readonly string[];
  /** ISO date-time; the most recently modified wins a tie. */
  readonly lastModified: string;
}

export interface NewLead {
  readonly firstName?: string;
  readonly lastName: string;
  readonly company: string;
  readonly phone?: string;
  readonly status?: string;
  readonly leadSource: string;
  readonly ownerId: string;
}

/** Salesforce people: users, contacts, leads and their accounts' opportunities. */
export interface PeopleDirectory {
  userById(id: string): Promise<DirectoryUser | undefined>;
  activeUserByEmail(email: string): Promise<DirectoryUser | undefined>;
  /** Candidates whose phone fields may hold the number (the caller confirms equality). Unconverted leads only. */
  peopleByPhone(e164: string): Promise<DirectoryPerson[]>;
  /** What peopleByPhone would answer without asking Salesforce (a cache), if known. */
  peekPhone?(e164: string): readonly DirectoryPerson[] | undefined;
  /** Contacts and unconverted leads whose full name is exactly `name`. */
  peopleByName(name: string): Promise<DirectoryPerson[]>;
  /** The account's most recently modified open opportunity. */
  openOpportunity(accountId: string): Promise<string | undefined>;
  createLead(lead: NewLead): Promise<string>;
  /**
   * The org's default time zone (`Organization.TimeZoneSidKey`), for a user without one of their own (or with one
   * this runtime does not know). Asked only then: every user's own comes with the user.
   */
  orgTimeZone(): Promise<string | undefined>;
}

export interface CallLegQuery {
  readonly sourceSessionId: string;
  readonly sourceRecordId: string;
  readonly direction?: 'Inbound' | 'Outbound';
  readonly recordingStartTime: string;
}

/** RingCentral: the facts RingSense events do not carry. */
export interface TelephonyDirectory {
  /** The e-mail address of a RingCentral extension (user), if it has one. */
  extensionEmail(extensionId: string): Promise<string | undefined>;
  /** The external party's number from the call log (`from` on Inbound, `to` on Outbound), as RingCentral wrote it. */
  externalNumber(call: CallLegQuery): Promise<string | undefined>;
}

/** An active Salesforce user as the console's rep search lists them. */
export interface UserChoice {
  readonly id: string;
  readonly name: string;
  readonly email: string | undefined;
  readonly username: string | undefined;
  readonly title: string | undefined;
}

/** A contact or unconverted lead as the console's caller search lists them. */
export interface PersonChoice {
  readonly type: 'Contact' | 'Lead';
  readonly id: string;
  readonly name: string;
  readonly email: string | undefined;
  readonly phone: string | undefined;
  /** The contact's account, or the lead's company. */
  readonly company: string | undefined;
}
