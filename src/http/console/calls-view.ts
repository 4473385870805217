import { Eta } from 'eta';
import type { CallSearchFacts, QueuedCallFacts } from './console.port.ts';
import type { TermParse } from './call-term.ts';
import { isJobId, recordHref, ringSenseHref, when } from './overview-view.ts';
import { page, type PageChrome } from './views.ts';

/**
 * Find a call (/admin/calls): the facts as the page shows them (pure), and its template (Eta, `<%= %>` escaping
 * everything; see views.ts). The replay forms are POSTs carrying the session's CSRF token, left out in read-only mode.
 */

export interface CallsView {
  readonly text: string;
  readonly error: string | undefined;
  readonly searched: boolean;
  readonly normalised: string;
  readonly nothing: string | undefined;
  readonly jobs: ReadonlyArray<{ readonly jobId: string; readonly recording: string; readonly session: string; readonly state: string; readonly detail: string; readonly href: string | undefined; readonly enqueuedAt: string }>;
  readonly written: ReadonlyArray<{ readonly at: string; readonly jobId: string; readonly recording: string; readonly call: string; readonly callTaskId: string; readonly href: string | undefined; readonly ringSenseHref: string | undefined }>;
  readonly replays: ReadonlyArray<{ readonly recordId: string; readonly domains: ReadonlyArray<{ readonly value: string; readonly selected: boolean }> }>;
  readonly canChange: boolean;
  readonly csrf: string;
}

function jobDetail(j: QueuedCallFacts): string {
  switch (j.state) {
    case 'delayed':
      return j.nextAttemptAt === undefined ? `retrying (${j.attemptsMade} attempts so far)` : `retrying: next attempt ${when(j.nextAttemptAt)} (${j.attemptsMade} attempts so far)`;
    case 'failed':
      return `${j.reason ?? 'unknown'}: ${j.message ?? ''}`.trim();
    case 'completed':
      return `processed ${when(j.finishedAt)}`;
    case 'active':
      return 'being written to Salesforce now';
    case 'waiting':
      return 'waiting for a worker';
  }
}

export function callsView(parse: TermParse, facts: CallSearchFacts | undefined, opts: { canChange: boolean; csrf: string }): CallsView {
  const base = { text: parse.kind === 'empty' ? '' : parse.text, error: parse.kind === 'invalid' ? parse.error : undefined, canChange: opts.canChange, csrf: opts.csrf };
  if (parse.kind !== 'ok' || !facts) return { ...base, searched: false, normalised: '', nothing: undefined, jobs: [], written: [], replays: [] };
  const { query } = parse;
  const jobs = facts.jobs.map((j) => ({
    jobId: j.jobId,
    recording: j.sourceRecordId ?? '',
    session: j.sourceSessionId ?? '',
    state: j.state,
    detail: jobDetail(j),
    href: j.state === 'failed' && isJobId(j.jobId) ? `/admin/failures/${j.jobId}` : undefined,
    enqueuedAt: when(j.enqueuedAt),
  }));
  const written = facts.written.map((c) => ({ at: when(c.at), jobId: c.jobId, recording: c.sourceRecordId, call: c.call, callTaskId: c.callTaskId, href: recordHref(facts.salesforceInstanceUrl, c.callTaskId), ringSenseHref: ringSenseHref(c.rsRecordUri) }));
  const recordIds = new Map<string, string | undefined>();
  for (const j of facts.jobs) if (j.sourceRecordId && !recordIds.has(j.sourceRecordId)) recordIds.set(j.sourceRecordId, j.domain);
  for (const c of facts.written) if (!recordIds.has(c.sourceRecordId)) recordIds.set(c.sourceRecordId, undefined);
  if (query.id && !recordIds.size) recordIds.set(query.id, undefined);
  const replays = [...recordIds].slice(0, 10).map(([recordId, domain]) => {
    const chosen = domain && facts.domains.includes(domain) ? domain : facts.domains[0];
    return { recordId, domains: facts.domains.map((value) => ({ value, selected: value === chosen })) };
  });
  const nothing =
    jobs.length || written.length
      ? undefined
      : `No call found. Only the newest ${facts.scannedPerState} jobs of each state (waiting, delayed, active, failed, completed: completed jobs are kept a day) and the newest ${facts.scannedPerState} calls written were looked at; phone numbers and session ids are found only in jobs still in the queue.`;
  return { ...base, searched: true, normalised: query.phone && query.phone !== parse.text ? ` (as the number ${query.phone})` : '', nothing, jobs, written, replays };
}

const CSRF = '<input type="hidden" name="_csrf" value="<%= it.csrf %>">';

const CALLS = `<h1>Find a call</h1>
<form method="get" action="/admin/calls" class="find-call"><label>Recording id, telephony session id or phone number <input name="q" id="call-term" maxlength="200" size="40" required value="<%= it.text %>"></label> <button type="submit" class="find">Find</button></form>
<% if (it.error) { %><p class="error" role="alert" id="term-error"><%= it.error %> You searched for: <span id="term"><%= it.text %></span></p><% } %>
<% if (it.searched) { %><p class="hint" id="searched-for">Searched for <span id="term"><%= it.text %></span><%= it.normalised %>.</p>
<% if (it.nothing) { %><p id="not-found"><%= it.nothing %></p><% } %>
<% if (it.jobs.length) { %><section id="queued-section"><h2>In the queue</h2>
<table id="call-jobs"><thead><tr><th>Job</th><th>Recording</th><th>Session</th><th>State</th><th>Where it is</th><th>Queued</th></tr></thead><tbody>
<% it.jobs.forEach(function (j) { %><tr data-job-id="<%= j.jobId %>"><td><% if (j.href) { %><a class="failure" href="<%= j.href %>"><%= j.jobId %></a><% } else { %><%= j.jobId %><% } %></td><td class="recording"><%= j.recording %></td><td><%= j.session %></td><td class="state"><%= j.state %></td><td class="detail"><%= j.detail %></td><td><%= j.enqueuedAt %></td></tr><% }) %>
</tbody></table></section><% } %>
<% if (it.written.length) { %><section id="written-section"><h2>Written to Salesforce</h2>
<table id="call-written"><thead><tr><th>Written</th><th>Job</th><th>Recording</th><th>Outcome</th><th>Salesforce Task</th><th>In RingSense</th></tr></thead><tbody>
<% it.written.forEach(function (c) { %><tr data-job-id="<%= c.jobId %>"><td><%= c.at %></td><td><%= c.jobId %></td><td class="recording"><%= c.recording %></td><td class="outcome"><%= c.call %></td><td><% if (c.href) { %><a class="task" href="<%= c.href %>" rel="noreferrer" target="_blank"><%= c.callTaskId %></a><% } else { %><%= c.callTaskId %><% } %></td><td><% if (c.ringSenseHref) { %><a class="ringsense" href="<%= c.ringSenseHref %>" rel="noreferrer" target="_blank">RingSense</a><% } %></td></tr><% }) %>
</tbody></table></section><% } %>
<% if (it.canChange && it.replays.length) { %><section id="replay-section"><h2>Replay</h2>
<p class="hint">Reads the recording's insights from RingSense again and queues them (as <code>ringsense-sync replay &lt;id&gt; --force</code>): writes are idempotent, the call Task is updated, not duplicated. Recorded in the audit log.</p>
<% it.replays.forEach(function (r) { %><form method="post" action="/admin/calls/replay" class="replay">${CSRF}<input type="hidden" name="recordId" value="<%= r.recordId %>">
<label>Domain <select name="domain"><% r.domains.forEach(function (d) { %><option value="<%= d.value %>"<% if (d.selected) { %> selected<% } %>><%= d.value %></option><% }) %></select></label>
<button type="submit" class="replay" data-record-id="<%= r.recordId %>">Replay <%= r.recordId %></button></form>
<% }) %></section><% } %><% } %>
`;

const eta = new Eta({ autoEscape: true, autoTrim: false, cache: true });
eta.loadTemplate('@calls', CALLS);

export function callsPage(chrome: PageChrome, view: CallsView): string {
  return page(chrome, eta.render('@calls', view));
}
