/**
 * What the console's Unmapped page reads and does, as a port (src/app/console-unmapped.adapter.ts implements it
 * over the unmapped list, the failed set, Salesforce, RingCentral and the mapping file).
 */
import type { ConfigProblem } from '../../config/config-error.ts';
import type { MappingChange } from '../../config/mapping-edit.ts';
import type { PersonChoice, UserChoice } from '../../mapping/directory.port.ts';
import type { SubjectKind } from '../../mapping/unmapped-subject.ts';
import type { UnmappedReason } from '../../mapping/unmapped-store.ts';

export type { MappingChange, PersonChoice, SubjectKind, UserChoice };

export interface UnmappedItemFacts {
  readonly reason: UnmappedReason;
  /** An owner's RingCentral extension id, a caller's E.164 number or name. */
  readonly subject: string;
  readonly kind: SubjectKind;
  readonly count: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly lastSourceRecordId: string;
  /** The mapping in force has an entry for it now. */
  readonly inMapping: boolean;
}

export interface UnmappedListFacts {
  /** Newest first, at most `shown`. */
  readonly items: readonly UnmappedItemFacts[];
  readonly total: number;
  /** Failed calls per reason now (what a retry would concern). */
  readonly failedByReason: Readonly<Record<string, number>>;
  /** The days the list reaches back. */
  readonly days: number;
}

/** A RingCentral extension as RingCentral describes it (to know who the rep is). */
export interface ExtensionFacts {
  readonly extensionNumber: string | undefined;
  readonly name: string | undefined;
  readonly email: string | undefined;
  readonly status: string | undefined;
}

export type MappingChangeOutcome =
  /** Written (the previous text kept at `previous`); `reloaded`: this service runs with it already. */
  | { readonly kind: 'written'; readonly file: string; readonly previous: string; readonly reloaded: boolean; readonly lines: string }
  | { readonly kind: 'unchanged'; readonly file: string }
  /** Not writable from here: the admin adds `lines` under `section` by hand. */
  | { readonly kind: 'read_only'; readonly file: string; readonly reason: string; readonly lines: string }
  /** The file on disk, or the file with the change, is not a valid mapping: nothing was written. */
  | { readonly kind: 'invalid'; readonly file: string; readonly problems: readonly ConfigProblem[] }
  | { readonly kind: 'changed_meanwhile'; readonly file: string };

export interface UnmappedConsole {
  list(now: number): Promise<UnmappedListFacts>;
  /** The extension as RingCentral knows it; undefined when it cannot be read (not logged in, absent). */
  extension(extensionId: string): Promise<ExtensionFacts | undefined>;
  /** Throws when Salesforce cannot be asked (this process does not work, or Salesforce refused). */
  searchUsers(term: string): Promise<readonly UserChoice[]>;
  searchPeople(term: string): Promise<readonly PersonChoice[]>;
  changeMapping(change: MappingChange): Promise<MappingChangeOutcome>;
}
