import type { Mapping } from '../../config/mapping.schema.ts';
/**
 * What the console's Mapping page reads and runs, as a port (src/app/console-mapping.adapter.ts puts the mapping
 * snapshot, the file on disk, the worker's Salesforce session, RingCentral and the refusals list behind it).
 * Deliberately not here: the jsforce connection, the RingCentral platform, Redis.
 */

/** The mapping the service runs with now (the snapshot swapped in at start-up or by the last valid reload). */
export interface MappingInForce {
  /** The file it was read from (MAPPING_FILE). */
  readonly file: string;
  /** When it was read and validated (epoch ms). */
  readonly loadedAt: number;
  /** The file held no settings (empty, or only comments): every default applies. */
  readonly empty: boolean;
  /** Its settings, validated (defaults filled in). */
  readonly mapping: Mapping;
  readonly contactsByPhone: number;
  readonly contactsByName: number;
}

/** A problem of the file on disk, with its place when it has one (as `config check` prints it). */
export interface FileProblem {
  readonly where: string;
  readonly message: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
}

/** The file on disk now, validated offline (read and parsed as a reload would). */
export type MappingFileCheck =
  /** The file says what the mapping in force says. `empty`: it has no settings (a reload would refuse such a file). */
  | { readonly kind: 'same'; readonly empty: boolean }
  /** Valid, and not what is in force: the next reload takes it (unless it is empty: then a reload refuses it). */
  | { readonly kind: 'changed'; readonly empty: boolean }
  /** Not valid: every problem; the mapping in force stays. */
  | { readonly kind: 'invalid'; readonly problems: readonly FileProblem[] }
  | { readonly kind: 'missing' };

export interface OnlineProblemFacts {
  readonly what: string;
  /** Where in the mapping, e.g. users."62288320001".email */
  readonly key: string;
  readonly problem: string;
}

/** The online check's outcome (`ringsense-sync config check --online`), with when it ran. */
export type OnlineCheckResult =
  | {
      readonly kind: 'checked';
      readonly at: number;
      /** The loadedAt of the mapping it checked (the one in force may have been reloaded since). */
      readonly mappingLoadedAt: number;
      /** How long it took (ms). */
      readonly tookMs: number;
      readonly problems: readonly OnlineProblemFacts[];
      readonly checked: { readonly users: number; readonly contactRecords: number; readonly extensions: number; readonly taskFields: number };
      /** The org and the RingCentral account checked against. */
      readonly salesforce: string;
      readonly ringcentral: string;
    }
  /** It could not finish (Salesforce or RingCentral away, refused credentials...): the reason, in one line. */
  | { readonly kind: 'unfinished'; readonly at: number; readonly reason: string }
  /** This process cannot run it (no worker role, not logged in yet). */
  | { readonly kind: 'unavailable'; readonly at: number; readonly reason: string };

/** One mapped Task field (fields.task) and, once Task was described, what the org says of it. */
export interface MappedFieldStatus {
  /** The API name as the mapping spells it. */
  readonly name: string;
  /** The insight value it takes. */
  readonly from: string;
  /** The admin's value map, when there is one. */
  readonly values: Readonly<Record<string, string | number | boolean>> | undefined;
  /** From describe; undefined when Task was not described yet or the field is not there. */
  readonly field: { readonly name: string; readonly label: string; readonly type: string; readonly restrictedPicklist: boolean } | undefined;
  /** What the online check reports of it against describe (empty: fine); undefined until described. */
  readonly problems: readonly string[] | undefined;
}

export interface FieldRefusalFacts {
  readonly field: string;
  readonly code: string;
  readonly message: string;
  readonly count: number;
  readonly lastSeen: number;
  readonly lastSourceRecordId: string;
}

export interface FieldStatusFacts {
  /** When Task's describe behind `fields` was made (the last online check), or undefined: not described yet. */
  readonly describedAt: number | undefined;
  readonly fields: readonly MappedFieldStatus[];
  /** `ringsense-sync fields refusals`: the fields calls were written without, newest first; undefined when unreadable. */
  readonly refusals: readonly FieldRefusalFacts[] | undefined;
  readonly refusalsDays: number;
  /** Why the refusals could not be read (Redis away). */
  readonly problem: string | undefined;
}

export interface MappingFacts {
  inForce(): MappingInForce;
  /** Reads the mapping file now and validates it offline (no request). */
  checkFile(): MappingFileCheck;
  /** Runs the online check on the mapping in force (Salesforce and RingCentral requests: reads only) and keeps its result. */
  checkOnline(): Promise<OnlineCheckResult>;
  /** The last online check's result (kept in this process's memory; undefined when none ran), and when the one running began. */
  online(): { readonly last: OnlineCheckResult | undefined; readonly runningSince: number | undefined };
  fieldStatus(now: number): Promise<FieldStatusFacts>;
}
