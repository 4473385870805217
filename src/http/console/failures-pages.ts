import { Eta } from 'eta';
import type { auditView, FailureDetailView, FailuresPageView } from './failures-view.ts';
import { page, type PageChrome } from './views.ts';

/**
 * The failures, failure-detail and audit pages (Eta, `<%= %>` escaping everything; see views.ts). Every form is a
 * POST carrying the session's CSRF token, and is left out in read-only mode (the routes refuse them anyway).
 */

const CSRF = '<input type="hidden" name="_csrf" value="<%= it.csrf %>">';

const FAILURES = `<h1>Failures</h1>
<% if (it.total === 0) { %><p id="no-failures">No failed calls.</p><% } else { %>
<section id="failure-reasons-section"><h2>By reason</h2>
<table id="failure-reasons"><thead><tr><th>Reason</th><th>Calls</th><th>Latest message</th><% if (it.canChange) { %><th></th><% } %></tr></thead><tbody>
<% it.reasons.forEach(function (r) { %><tr data-reason="<%= r.reason %>"><td class="reason"><%= r.reason %></td><td class="count"><%= r.count %></td><td><%= r.example %></td>
<% if (it.canChange) { %><td><form method="post" action="/admin/failures/retry-all">${CSRF}<input type="hidden" name="reason" value="<%= r.reason %>"><button type="submit" class="retry-all">Retry all <%= r.count %></button></form></td><% } %></tr><% }) %>
</tbody></table>
</section>
<section id="failed-calls-section"><h2>Failed calls</h2>
<p class="hint" id="failures-range"><%= it.range %></p>
<table id="failed-calls"><thead><tr><th>Failed</th><th>Job</th><th>Recording</th><th>Reason</th><th>Attempts</th><th>Message</th><% if (it.canChange) { %><th></th><% } %></tr></thead><tbody>
<% it.jobs.forEach(function (j) { %><tr data-job-id="<%= j.jobId %>"><td><%= j.failedAt %></td><td><% if (j.href) { %><a class="detail" href="<%= j.href %>"><%= j.jobId %></a><% } else { %><%= j.jobId %><% } %></td><td class="recording"><%= j.sourceRecordId %></td><td class="reason"><%= j.reason %></td><td class="attempts"><%= j.attemptsMade %></td><td><%= j.message %></td>
<% if (it.canChange && j.href) { %><td><form method="post" action="<%= j.href %>/retry">${CSRF}<input type="hidden" name="back" value="failures"><button type="submit" class="retry">Retry</button></form></td><% } else if (it.canChange) { %><td></td><% } %></tr><% }) %>
</tbody></table>
<p class="paging"><% if (it.prev) { %><a id="prev-page" href="<%= it.prev %>">Newer</a> <% } %><% if (it.next) { %><a id="next-page" href="<%= it.next %>">Older</a><% } %></p>
</section><% } %>
<% if (it.canChange) { %><section id="purge-section"><h2>Purge</h2>
<form method="post" action="/admin/failures/purge" class="purge">${CSRF}<label>Remove the failed calls that failed more than <input name="days" id="purge-days" required inputmode="decimal" maxlength="8" size="6" value="30"> days ago</label> <button type="submit" class="purge">Purge</button></form>
<p class="hint">Failed calls expire after 30 days anyway; 0 removes every failed call.</p>
</section><% } %>
`;

const DETAIL = `<h1>Failed call <span id="detail-job"><%= it.jobId %></span></h1>
<section><dl><% it.facts.forEach(function (f) { %><dt><%= f.label %></dt><dd id="<%= f.id %>"><%= f.value %></dd><% }) %></dl>
<% if (it.canChange) { %><form method="post" action="<%= it.retryAction %>">${CSRF}<input type="hidden" name="back" value="failures"><button type="submit" class="retry">Retry</button></form><% } %>
</section>
<section id="event"><h2>Stored event</h2>
<% if (it.content) { %><p class="banner" id="content-shown">Call content shown: this reveal is in the <a href="/admin/audit">audit log</a>.</p>
<% } else { %><p id="content-hidden">Call content (names, numbers, summaries, transcript) is hidden.</p>
<% if (it.canChange) { %><form method="post" action="<%= it.revealAction %>">${CSRF}<button type="submit" class="reveal">Reveal call content</button> <span class="hint">(recorded in the audit log)</span></form><% } %><% } %>
<pre id="event-json"><%= it.event %></pre>
</section>
<p><a href="/admin/failures">Back to the failures</a></p>
`;

const AUDIT = `<h1>Audit log</h1>
<p class="hint">What admins changed or revealed from the console, newest first (ids and counts only; no call content).</p>
<% if (!it.entries.length) { %><p id="no-audit">Nothing yet.</p><% } else { %>
<table id="audit"><thead><tr><th>When</th><th>Who</th><th>Action</th><th>Target</th><th>Outcome</th></tr></thead><tbody>
<% it.entries.forEach(function (e) { %><tr><td><%= e.at %></td><td class="who"><%= e.who %></td><td class="action"><%= e.action %></td><td class="target"><%= e.target %></td><td class="outcome"><%= e.outcome %></td></tr><% }) %>
</tbody></table><% } %>
`;

const eta = new Eta({ autoEscape: true, autoTrim: false, cache: true });
eta.loadTemplate('@failures', FAILURES);
eta.loadTemplate('@detail', DETAIL);
eta.loadTemplate('@audit', AUDIT);

export function failuresPage(chrome: PageChrome, view: FailuresPageView): string {
  return page(chrome, eta.render('@failures', view));
}

export function failureDetailPage(chrome: PageChrome, view: FailureDetailView): string {
  return page(chrome, eta.render('@detail', view));
}

export function auditPage(chrome: PageChrome, entries: ReturnType<typeof auditView>): string {
  return page(chrome, eta.render('@audit', { entries }));
}
