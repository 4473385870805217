/**
 * What a meeting's insights do not carry and its activity needs: when it started, how long it lasted, who hosted it
 * and who attended. ACE's rcv events have none of these (no ownerExtensionId, recordingStartTime,
 * recordingDurationMs); RingCentral Video's meeting history has them, under the same id (the event's
 * sourceSessionId is the meeting's id). Read once per meeting at the edge (ringcentral/meeting-history.adapter.ts).
 */
export interface MeetingFacts {
  readonly meetingId: string;
  /** The meeting's name as its host gave it (ACE's title is the platform's: "RingCentral Video meeting"). */
  readonly title: string | undefined;
  /** ISO 8601. */
  readonly startTime: string;
  /** Undefined when the history gives none: the length is then the insights' (estimated). */
  readonly durationSeconds: number | undefined;
  /** The host's RingEX extension, when the host is a user of the account. */
  readonly hostExtensionId: string | undefined;
  readonly participants: readonly MeetingParticipant[];
  /** Whether the meeting had a recording RingCentral kept (what ACE analysed). */
  readonly recorded: boolean;
}

export interface MeetingParticipant {
  readonly name: string | undefined;
  /** Set for the account's own users. */
  readonly extensionId: string | undefined;
  /** The number a participant dialled in from (a phone participant only). */
  readonly callerId: string | undefined;
}
