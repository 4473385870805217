import type { MeetingDetails, RecordingInsights } from '../calls/recording-insights.ts';
import { meetingMarker } from './call-key.ts';
import { cutOnWord, formatDuration, formatOffset, safeEnd } from './text.ts';

/** Salesforce's limit for Task.Description (a 32,000-character text area). */
export const DESCRIPTION_LIMIT = 32_000;

export interface DescribeOptions {
  includeHighlights: boolean;
  includeNextSteps: boolean;
  includeTranscript: boolean;
  /** Display name per speakerId. */
  speakerName: (speakerId: string | null | undefined) => string;
  limit?: number;
}

const VERSION_PREFIX = 'RingSense insights updated ';

/** The marker line that records which version of the insights a call activity shows. */
export function versionLine(lastModifiedTime: string): string {
  return `${VERSION_PREFIX}${lastModifiedTime}`;
}

/** The insights version written into a call activity's Description, if the marker is there. */
export function readVersion(description: string | null | undefined): string | undefined {
  const i = description?.lastIndexOf(VERSION_PREFIX) ?? -1;
  if (!description || i < 0) return undefined;
  return description.slice(i + VERSION_PREFIX.length).split(/\s/)[0] || undefined;
}

/** A block of the description. Lower `rank` is cut first when the text is too long. */
interface Section {
  readonly title: string;
  readonly rank: number;
  lines: string[];
  /** Indexes of lines that head the lines after them (a bulleted summary's section names): not counted, never left last. */
  readonly headings?: ReadonlySet<number>;
  /** Lines dropped to fit, and what the note says about them. */
  dropped: number;
  readonly what: string;
}

function counted(s: Section): number {
  return s.headings ? s.lines.filter((_, i) => !s.headings!.has(i)).length : s.lines.length;
}

function render(sections: readonly Section[]): string {
  return sections
    .filter((s) => s.lines.length > 0 || s.dropped > 0)
    .map((s) => {
      const note = s.dropped > 0 ? [`[${s.dropped} of ${counted(s) + s.dropped} ${s.what} cut to fit Salesforce's ${DESCRIPTION_LIMIT.toLocaleString('en-US')}-character limit; the full call is in RingSense]`] : [];
      return [s.title, ...s.lines, ...note].filter((l) => l !== '').join('\n');
    })
    .join('\n\n');
}

/** Where a meeting was held, as the facts line names it. */
const PLATFORM: Readonly<Record<MeetingDetails['platform'], string>> = { rcv: 'RingCentral Video', 'ms-teams': 'Microsoft Teams' };

/** Names in the attendees line: each cut as a speaker's label is, and at most this many (then "and N more"). */
const ATTENDEES_SHOWN = 50;
const ATTENDEE_NAME_LIMIT = 121;

/** `Attendees: Maria Garcia, Sean O'Brien`: everyone who attended, also those no Salesforce record names. */
function attendeesLine(names: readonly string[]): string[] {
  if (names.length === 0) return [];
  const shown = names.slice(0, ATTENDEES_SHOWN).map((n) => (n.length > ATTENDEE_NAME_LIMIT ? cutOnWord(n, ATTENDEE_NAME_LIMIT) : n));
  const more = names.length - shown.length;
  return [`Attendees: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`];
}

/** A payload value shown inside a line of the product's (a score that is no number, a sentiment): short. */
const SHORT_VALUE = 40;

/**
 * RingSense's AI score as a rep reads it: the SDK types it as a string holding a number (`"7"`), on a scale of 10.
 * `7` -> `7/10`, `7.46` -> `7.5/10`; a number above 10 as it is (no scale is assumed for it); anything else
 * (`"N/A"`) as its text, short. Undefined when there is no score.
 */
export function formatScore(raw: string | undefined): string | undefined {
  const text = raw?.trim();
  if (!text) return undefined;
  if (!/^[+-]?(\d+([.,]\d+)?|[.,]\d+)$/.test(text)) return cutOnWord(text, SHORT_VALUE);
  const n = Number(text.replace(',', '.'));
  const shown = String(Math.round(n * 10) / 10);
  return n >= 0 && n <= 10 ? `${shown}/10` : shown;
}

/** The one line of score and sentiment, e.g. `Score: 7.5/10 · Sentiment: Positive`; undefined when neither came. */
export function scoreLine(insights: RecordingInsights): string | undefined {
  const first = (list: ReadonlyArray<{ value: string }> | undefined) => list?.map((u) => u.value.trim()).find(Boolean);
  const score = formatScore(first(insights.insights.AIScore));
  const sentiment = first(insights.insights.Sentiment);
  const parts = [...(score ? [`Score: ${score}`] : []), ...(sentiment ? [`Sentiment: ${cutOnWord(sentiment, SHORT_VALUE)}`] : [])];
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/**
 * The summary block: RingSense's summary paragraphs, then its bulleted summary (points without a section first,
 * then each section under its name, in the order RingSense gave them). Either may be absent.
 */
function summarySection(insights: RecordingInsights, rank: number): Section {
  const lines = insights.insights.Summary.map((s) => s.value.trim()).filter(Boolean);
  const headings = new Set<number>();
  const groups = new Map<string, string[]>([['', []]]);
  for (const b of insights.insights.BulletedSummary ?? []) {
    const value = b.value.trim();
    if (!value) continue;
    const section = b.section?.trim() ?? '';
    groups.set(section, [...(groups.get(section) ?? []), `- ${value}`]);
  }
  for (const [section, points] of groups) {
    if (points.length === 0) continue;
    if (section) {
      headings.add(lines.length);
      lines.push(`${section}:`);
    }
    lines.push(...points);
  }
  if (lines.length === 0) lines.push('(RingSense produced no summary for this call.)');
  return { title: 'Summary (RingSense)', rank, lines, headings, dropped: 0, what: 'summary lines' };
}

/**
 * The call activity's Description, in the order a rep reads it: the summary (paragraphs and the bulleted summary's
 * sections), one line of score and sentiment, next steps, highlights, questions asked, call notes, the link into
 * RingSense, the call facts (with the version marker), then the transcript if the admin enabled it. Parts the
 * call does not have are left out. Always fits the limit: the least important section is cut first (transcript,
 * then questions, call notes, highlights, next steps, the score line, and the summary last), from its end, and the
 * text says what was cut. The link and the call facts are never cut (short; the marker is how a later version is
 * told from this one).
 */
export function describeCall(insights: RecordingInsights, opts: DescribeOptions): string {
  const limit = opts.limit ?? DESCRIPTION_LIMIT;
  const { Highlights, NextSteps, Transcript, QnA, CallNotes } = insights.insights;
  const at = (start: number | undefined) => (start === undefined ? '' : `[${formatOffset(start)}] `);
  const who = (id: string | null | undefined) => (id ? `${opts.speakerName(id)}: ` : '');
  const said = (list: ReadonlyArray<{ value: string; speakerId?: string | null | undefined; start?: number | undefined }>) =>
    list.filter((u) => u.value.trim()).map((u) => `- ${at(u.start)}${who(u.speakerId)}${u.value.trim()}`);
  const score = scoreLine(insights);
  // In UTC whatever offset it came with (the Event's StartDateTime is the same instant).
  const started = new Date(Date.parse(insights.recordingStartTime)).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const meta = insights.meeting
    ? [
        `${PLATFORM[insights.meeting.platform]} meeting, ${formatDuration(insights.recordingDurationMs)}, started ${started}${insights.meeting.estimated ? ' (estimated from the insights)' : ''}`,
        ...attendeesLine(insights.meeting.attendees),
        meetingMarker(insights.sourceRecordId),
        versionLine(insights.lastModifiedTime),
      ]
    : [
        `${insights.callDirection ?? 'Recorded'} call, ${formatDuration(insights.recordingDurationMs)}, started ${started}`,
        `RingCentral recording ${insights.sourceRecordId}, session ${insights.sourceSessionId}`,
        versionLine(insights.lastModifiedTime),
      ];
  const section = (title: string, rank: number, lines: string[], what: string): Section => ({ title, rank, lines, dropped: 0, what });
  // In reading order; rank says what goes first when the text is too long (1 first).
  const sections: Section[] = [
    summarySection(insights, 7),
    section('', 6, score ? [score] : [], 'lines'),
    section('Next steps', 5, opts.includeNextSteps ? said(NextSteps) : [], 'next steps'),
    section('Highlights', 4, opts.includeHighlights ? said(Highlights) : [], 'highlights'),
    section('Questions asked', 2, said(QnA ?? []), 'questions'),
    section('Call notes', 3, (CallNotes ?? []).map((n) => n.value.trim()).filter(Boolean), 'call notes'),
    section('', 8, insights.rsRecordUri ? [`RingSense: ${insights.rsRecordUri}`] : [], 'lines'),
    section('', 9, meta, 'lines'),
    section('Transcript', 1, opts.includeTranscript ? Transcript.map((u) => `${at(u.start)}${who(u.speakerId)}${u.text.trim()}`) : [], 'transcript lines'),
  ];

  let text = render(sections);
  for (const s of [...sections].sort((a, b) => a.rank - b.rank)) {
    // Drop whole lines from the end of the least important section until the text fits.
    while (text.length > limit && s.lines.length > 0) {
      const excess = text.length - limit;
      let removed = 0;
      const last = s.lines.at(-1)!;
      if (last.length > excess + 200) {
        // One long line (a huge summary paragraph, long call notes): shorten it rather than lose it.
        s.lines[s.lines.length - 1] = cutOnWord(last, last.length - excess - 150);
      } else {
        while (s.lines.length > 0 && removed < excess) {
          // A long line next: shortened on the next round rather than lost whole.
          if (removed > 0 && s.lines.at(-1)!.length > excess - removed + 200) break;
          removed += s.lines.pop()!.length + 1;
          s.dropped++;
          // A section name left with nothing under it goes too (it is not counted as a line).
          while (s.headings?.has(s.lines.length - 1)) removed += s.lines.pop()!.length + 1;
        }
      }
      text = render(sections);
    }
    if (text.length <= limit) return text;
  }
  // Only possible with an absurdly small limit: cut hard.
  return safeEnd(text.slice(0, limit));
}
