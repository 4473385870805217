import type { RecordingInsights, SpeakerUnit, ValueUnit } from '../calls/recording-insights.ts';
import { singleLine } from '../lib/plain-text.ts';

/**
 * The one door for payload text into a Task: buildDrafts reads the insights only through this. Every text RingSense
 * sent (title, speaker names, a meeting's attendees, summary paragraphs, the bulleted summary's points and section names, highlights, next
 * steps, questions, call notes, the score and sentiment, utterances, the record link) comes out as one line of plain
 * text (src/lib/plain-text.ts): no controls, escape sequences or bidi overrides, and no line break of its own, so a
 * line of a Description is always one the product wrote (`- [00:42] Name: ...`), never one a payload forged
 * (`INJECTED: ...`). The product's own line breaks, between items, are added after this.
 * Not text, and left as they are: the record id (the call's identity everywhere; the edge holds it to a pattern of
 * letters, digits and `. _ - ! @`), the direction (an enum) and the times (ISO 8601, checked at the edge).
 * Insight kinds this product does not know pass through untouched: nothing writes them.
 * Made once per insights (the description, the next step and the transcript note all read it): kept beside the
 * object it came from while that lives, and a plain one is its own.
 */
export function plainInsights(insights: RecordingInsights): RecordingInsights {
  let plain = made.get(insights);
  if (plain === undefined) {
    plain = plainCopy(insights);
    made.set(insights, plain);
    made.set(plain, plain);
  }
  return plain;
}

const made = new WeakMap<RecordingInsights, RecordingInsights>();

/** Names as plain text, each once (compared as plain text: two that differ only by what it drops are one). */
function plainNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of names) {
    const name = singleLine(raw).trim();
    const key = name.toLowerCase().replace(/\s+/g, ' ');
    if (!name || seen.has(key)) continue;
    seen.add(key);
    out.push(name);
  }
  return out;
}

/** The item with its text field plain: the same object when the text was plain already (no copy of a transcript). */
function plainItem<T extends object, K extends keyof T>(item: T, key: K): T {
  const text = item[key];
  if (typeof text !== 'string') return item;
  const plain = singleLine(text);
  return plain === text ? item : { ...item, [key]: plain };
}

function plainCopy(insights: RecordingInsights): RecordingInsights {
  const { Transcript, Summary, Highlights, NextSteps, BulletedSummary, AIScore, Sentiment, CallNotes, QnA } = insights.insights;
  const spoken = (list: SpeakerUnit[]) => list.map((u) => plainItem(u, 'value'));
  const values = (list: ValueUnit[]) => list.map((u) => plainItem(u, 'value'));
  return {
    ...insights,
    title: singleLine(insights.title),
    ...(insights.rsRecordUri === undefined ? {} : { rsRecordUri: singleLine(insights.rsRecordUri) }),
    speakerInfo: insights.speakerInfo.map((s) => plainItem(s, 'name')),
    ...(insights.meeting ? { meeting: { ...insights.meeting, attendees: plainNames(insights.meeting.attendees) } } : {}),
    insights: {
      ...insights.insights,
      Transcript: Transcript.map((u) => plainItem(u, 'text')),
      Summary: Summary.map((u) => plainItem(u, 'value')),
      Highlights: spoken(Highlights),
      NextSteps: spoken(NextSteps),
      ...(BulletedSummary ? { BulletedSummary: BulletedSummary.map((b) => plainItem(plainItem(b, 'value'), 'section')) } : {}),
      ...(AIScore ? { AIScore: values(AIScore) } : {}),
      ...(Sentiment ? { Sentiment: values(Sentiment) } : {}),
      ...(CallNotes ? { CallNotes: values(CallNotes) } : {}),
      ...(QnA ? { QnA: spoken(QnA) } : {}),
    },
  };
}
