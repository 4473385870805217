/** Renders what the demo wrote to the simulated Salesforce org as plain-text tables. */

type Rec = Record<string, unknown>;

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === null || v === undefined ? '' : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function cut(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

/** The score and sentiment line of a call activity's Comments (`Score: 8/10 · Sentiment: Positive`), as a rep reads it. */
function scoreOf(description: unknown): string {
  const line = str(description).split('\n').find((l) => l.startsWith('Score: ') || l.startsWith('Sentiment: '));
  return line ? line.replace('Score: ', '').replace('Sentiment: ', '') : '';
}

/** `Attendees: ...` of a meeting's Description: everyone who was there. */
function attendeesOf(description: unknown): string {
  return str(description).split('\n').find((l) => l.startsWith('Attendees: '))?.slice('Attendees: '.length) ?? '';
}

export function renderSalesforceReport(records: {
  Task: Rec[]; User: Rec[]; Contact: Rec[]; Lead: Rec[]; Account: Rec[]; Opportunity: Rec[]; ContentDocument?: Rec[]; ContentDocumentLink?: Rec[];
  Event?: Rec[]; EventRelation?: Rec[];
}): string {
  const names = new Map<string, string>();
  for (const list of [records.User, records.Contact, records.Lead, records.Account, records.Opportunity])
    for (const r of list) names.set(str(r.Id), str(r.Name));
  const whoLabel = (id: unknown) => {
    const s = str(id);
    if (!s) return '(none)';
    return `${names.get(s) ?? s} (${s.startsWith('00Q') ? 'Lead' : 'Contact'})`;
  };
  const name = (id: unknown) => (str(id) ? (names.get(str(id)) ?? str(id)) : '(none)');
  const calls = records.Task.filter((t) => t.TaskSubtype === 'Call');
  const followUps = records.Task.filter((t) => t.TaskSubtype !== 'Call');
  const key = (t: Rec) => str(t.CallObject).split(':step:')[0];
  const out: string[] = [];
  out.push(`Call activities (Task, subtype Call, Completed): ${calls.length}`, '');
  out.push(
    table(
      ['Date', 'Subject', 'Owner', 'Name (WhoId)', 'Related to (WhatId)', 'Type', 'Length', 'Follow-ups', 'Score · Sentiment'],
      calls.map((c) => [
        str(c.ActivityDate),
        cut(str(c.Subject), 44),
        name(c.OwnerId),
        whoLabel(c.WhoId),
        name(c.WhatId),
        str(c.CallType),
        `${Math.round(Number(c.CallDurationInSeconds ?? 0) / 60)} min`,
        String(followUps.filter((f) => key(f) === key(c)).length),
        scoreOf(c.Description),
      ]),
    ),
  );
  const meetings = records.Event ?? [];
  if (meetings.length > 0) {
    // The contacts each meeting is related to: its Name and, with Shared Activities, the other matched participants.
    const related = (e: Rec) =>
      (records.EventRelation ?? []).filter((r) => r.EventId === e.Id && r.IsDeleted !== true && r.IsParent === true).map((r) => name(r.RelationId)).join(', ');
    const meetingKey = (e: Rec) => `ringsense:${str(e.Description).split('\n').find((l) => l.startsWith('RingCentral meeting '))?.slice('RingCentral meeting '.length) ?? ''}`;
    out.push('', `Meetings (Event, at the meeting's time): ${meetings.length}`, '');
    out.push(
      table(
        ['Start (UTC)', 'Subject', 'Owner', 'Related contacts', 'Related to (WhatId)', 'Length', 'Follow-ups', 'Attendees'],
        meetings.map((e) => [
          str(e.StartDateTime).slice(0, 16).replace('T', ' '),
          cut(str(e.Subject), 36),
          name(e.OwnerId),
          related(e) || whoLabel(e.WhoId),
          name(e.WhatId),
          `${str(e.DurationInMinutes)} min`,
          String(followUps.filter((f) => key(f) === meetingKey(e)).length),
          cut(attendeesOf(e.Description), 60),
        ]),
      ),
    );
  }
  out.push('', `Follow-up tasks (open, one per RingSense next step): ${followUps.length}`, '');
  out.push(
    table(
      ['Due', 'Subject', 'Assigned to', 'Name (WhoId)', 'Status'],
      followUps.map((f) => [str(f.ActivityDate), cut(str(f.Subject), 60), name(f.OwnerId), whoLabel(f.WhoId), str(f.Status)]),
    ),
  );
  const notes = records.ContentDocument ?? [];
  if (notes.length > 0) {
    // Where each note shows: the records it is linked to, but its owner (every file is linked to its owner).
    const linked = (doc: Rec) =>
      (records.ContentDocumentLink ?? [])
        .filter((l) => l.ContentDocumentId === doc.Id && l.LinkedEntityId !== doc.OwnerId)
        .map((l) => (str(l.LinkedEntityId).startsWith('00T') ? 'the call' : str(l.LinkedEntityId).startsWith('00U') ? 'the meeting' : name(l.LinkedEntityId)))
        .join(', ');
    out.push('', `Transcript notes (the whole conversation, one per call or meeting): ${notes.length}`, '');
    out.push(table(['Title', 'Type', 'Size', 'Linked to'], notes.map((d) => [cut(str(d.Title), 70), str(d.FileType), `${(Number(d.ContentSize ?? 0) / 1024).toFixed(1)} KB`, linked(d)])));
  }
  const nextSteps = records.Opportunity.filter((o) => str(o.NextStep) !== '');
  if (nextSteps.length > 0) {
    out.push('', 'Opportunities: the next step from their latest call or meeting', '');
    out.push(table(['Opportunity', 'Next Step'], nextSteps.map((o) => [str(o.Name), cut(str(o.NextStep), 90)])));
  }
  // One call activity's Comments whole, as a rep opens it: the one with the most insights, the shortest of those.
  const sections = (t: Rec) => str(t.Description).split('\n\n').length;
  const richest = [...calls].sort((a, b) => sections(b) - sections(a) || str(a.Description).length - str(b.Description).length)[0];
  if (richest) out.push('', `Comments of "${str(richest.Subject)}":`, '', str(richest.Description));
  return out.join('\n');
}
