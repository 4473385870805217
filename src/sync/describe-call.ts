import type { RecordingInsights } from '../calls/recording-insights.ts';
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
  /** Lines dropped to fit, and what the note says about them. */
  dropped: number;
  readonly what: string;
}

function render(sections: readonly Section[]): string {
  return sections
    .filter((s) => s.lines.length > 0 || s.dropped > 0)
    .map((s) => {
      const note = s.dropped > 0 ? [`[${s.dropped} of ${s.lines.length + s.dropped} ${s.what} cut to fit Salesforce's ${DESCRIPTION_LIMIT.toLocaleString('en-US')}-character limit; the full call is in RingSense]`] : [];
      return [s.title, ...s.lines, ...note].filter((l) => l !== '').join('\n');
    })
    .join('\n\n');
}

/**
 * The call activity's Description: what a rep reads in a few seconds first (summary, highlights, next steps,
 * the RingSense link), then the transcript if the admin enabled it. Always fits the limit: the least important
 * section is cut first (transcript, then highlights, then next steps, then the summary), from its end, and the
 * text says what was cut.
 */
export function describeCall(insights: RecordingInsights, opts: DescribeOptions): string {
  const limit = opts.limit ?? DESCRIPTION_LIMIT;
  const { Summary, Highlights, NextSteps, Transcript } = insights.insights;
  const at = (start: number | undefined) => (start === undefined ? '' : `[${formatOffset(start)}] `);
  const who = (id: string | null | undefined) => (id ? `${opts.speakerName(id)}: ` : '');
  const meta = [
    `${insights.callDirection ?? 'Recorded'} call, ${formatDuration(insights.recordingDurationMs)}, started ${insights.recordingStartTime.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')}`,
    `RingCentral recording ${insights.sourceRecordId}`,
    ...(insights.rsRecordUri ? [`RingSense: ${insights.rsRecordUri}`] : []),
    versionLine(insights.lastModifiedTime),
  ];
  const sections: Section[] = [
    { title: 'Summary (RingSense)', rank: 4, lines: Summary.map((s) => s.value.trim()).filter(Boolean), dropped: 0, what: 'summary paragraphs' },
    { title: 'Next steps', rank: 3, lines: opts.includeNextSteps ? NextSteps.map((n) => `- ${at(n.start)}${who(n.speakerId)}${n.value.trim()}`) : [], dropped: 0, what: 'next steps' },
    { title: 'Highlights', rank: 2, lines: opts.includeHighlights ? Highlights.map((h) => `- ${at(h.start)}${who(h.speakerId)}${h.value.trim()}`) : [], dropped: 0, what: 'highlights' },
    { title: '', rank: 5, lines: meta, dropped: 0, what: 'lines' },
    { title: 'Transcript', rank: 1, lines: opts.includeTranscript ? Transcript.map((u) => `${at(u.start)}${who(u.speakerId)}${u.text.trim()}`) : [], dropped: 0, what: 'transcript lines' },
  ];
  if (sections[0]!.lines.length === 0) sections[0]!.lines.push('(RingSense produced no summary for this call.)');

  let text = render(sections);
  for (const section of [...sections].sort((a, b) => a.rank - b.rank)) {
    // Drop whole lines from the end of the least important section until the text fits.
    while (text.length > limit && section.lines.length > 0) {
      const excess = text.length - limit;
      let removed = 0;
      const last = section.lines.at(-1)!;
      if (last.length > excess + 200) {
        // One long line (a huge summary paragraph): shorten it rather than lose it.
        section.lines[section.lines.length - 1] = cutOnWord(last, last.length - excess - 150);
      } else {
        while (section.lines.length > 0 && removed < excess) {
          removed += section.lines.pop()!.length + 1;
          section.dropped++;
        }
      }
      text = render(sections);
    }
    if (text.length <= limit) return text;
  }
  // Only possible with an absurdly small limit: cut hard.
  return safeEnd(text.slice(0, limit));
}
