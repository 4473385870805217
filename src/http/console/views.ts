import { Eta } from 'eta';
import type { OverviewView } from './overview-view.ts';
import { REQUESTS_CHART } from './requests-chart.ts';

/**
 * The console's pages, server-rendered with Eta: `<%= %>` escapes (& < > " '), and nothing here uses the raw `<%~ %>`
 * except to place one template's already-escaped output in another. Templates are strings in this module (not .eta
 * files) so that the build's dist/ carries them. Values are prepared by overview-view.ts: templates only place them.
 */

const LAYOUT = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title><%= it.title %> · RingSense sync</title>
<link rel="stylesheet" href="/admin/static/console.css">
<script src="/admin/static/htmx.min.js" defer></script>
</head>
<body>
<header>
<strong>RingSense sync</strong>
<% if (it.session) { %>
<nav><a href="/admin">Overview</a> <a href="/admin/failures">Failures</a> <a href="/admin/unmapped" id="unmapped-link">Unmapped</a> <a href="/admin/calls" id="find-call-link">Find a call</a> <a href="/admin/mapping" id="mapping-link">Mapping</a> <a href="/admin/audit">Audit log</a> <a href="/admin/queues">Queues</a></nav>
<form method="post" action="/admin/logout" class="sign-out">
<input type="hidden" name="_csrf" value="<%= it.session.csrf %>">
<span>Signed in as <span id="signed-in-user"><%= it.session.user %></span></span> <button type="submit">Sign out</button>
</form>
<% } %>
</header>
<% if (it.readOnly) { %><p class="banner" id="read-only">Read-only console (ADMIN_READ_ONLY=true): nothing can be changed from here.</p><% } %>
<% if (it.flash) { %><p class="flash" role="status" id="flash"><%= it.flash %></p><% } %>
<main>
<%~ it.body %>
</main>
</body>
</html>
`;

const LOGIN = `<h1>Sign in</h1>
<% if (it.message) { %><p class="<%= it.messageKind %>" role="alert" id="login-message"><%= it.message %></p><% } %>
<form method="post" action="/admin/login" class="login">
<input type="hidden" name="_csrf" value="<%= it.csrf %>">
<input type="hidden" name="next" value="<%= it.next %>">
<label>User <input name="user" autocomplete="username" required maxlength="200" value="<%= it.user %>"></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required maxlength="1000"></label>
<button type="submit">Sign in</button>
</form>
`;

const ERROR = `<h1><%= it.heading %></h1>
<p id="error-detail"><%= it.detail %></p>
<p><a href="/admin">Back to the overview</a></p>
`;

const FIGURES = `<div id="figures" hx-get="/admin/overview/figures" hx-trigger="every 15s" hx-swap="outerHTML" hx-target="this">
<% if (it.problems.length) { %><ul class="problems"><% it.problems.forEach(function (p) { %><li><%= p %></li><% }) %></ul><% } %>
<section id="subscription"><h2>Subscription</h2>
<p><span class="state <%= it.subscription.ok ? 'ok' : 'bad' %>" id="subscription-state"><%= it.subscription.label %></span></p>
<dl><dt>Held by</dt><dd id="subscription-holder"><%= it.subscription.holder %></dd>
<dt>This replica</dt><dd><%= it.subscription.thisReplica %></dd>
<dt>Domains</dt><dd id="domains"><%= it.subscription.domains %></dd>
<% if (it.subscription.error) { %><dt>Last error</dt><dd><%= it.subscription.error %></dd><% } %></dl>
</section>
<section id="queue"><h2>Queue</h2>
<% if (it.queue) { %><dl class="figures"><dt>Waiting</dt><dd id="queue-waiting"><%= it.queue.waiting %></dd><dt>Delayed</dt><dd id="queue-delayed"><%= it.queue.delayed %></dd><dt>Active</dt><dd id="queue-active"><%= it.queue.active %></dd><dt>Failed</dt><dd id="queue-failed"><%= it.queue.failed %></dd></dl><% } else { %><p>Unavailable.</p><% } %>
</section>
<section id="synced"><h2>Calls synced</h2>
<% if (it.synced) { %><dl class="figures"><dt>Last hour</dt><dd id="synced-hour"><%= it.synced.lastHour %></dd><dt>Last day</dt><dd id="synced-day"><%= it.synced.lastDay %></dd><dt>Last 7 days</dt><dd id="synced-week"><%= it.synced.last7Days %></dd></dl><% } else { %><p>Unavailable.</p><% } %>
</section>
<section id="budget"><h2>Salesforce API budget</h2>
<p><span class="state <%= it.budget.ok ? 'ok' : 'bad' %>" id="budget-state"><%= it.budget.state %></span> <span id="budget-usage"><%= it.budget.usage %></span></p>
<p class="hint"><%= it.budget.thresholds %></p>
<%~ include('@requests-chart', it.requests) %>
</section>
<section id="failures"><h2><a href="/admin/failures" id="failures-link">Failures</a></h2>
<% if (!it.failures) { %><p>Unavailable.</p><% } else if (it.failures.total === 0) { %><p id="no-failures">No failed calls.</p><% } else { %>
<table id="failure-reasons"><thead><tr><th>Reason</th><th>Calls</th><th>Latest message</th></tr></thead><tbody>
<% it.failures.reasons.forEach(function (r) { %><tr><td class="reason"><%= r.reason %></td><td class="count"><%= r.count %></td><td><%= r.example %></td></tr><% }) %>
</tbody></table>
<h3>Newest failed calls</h3>
<table id="failed-calls"><thead><tr><th>Failed</th><th>Recording</th><th>Reason</th><th>Attempts</th><% if (it.canChange) { %><th></th><% } %></tr></thead><tbody>
<% it.failures.newest.forEach(function (j) { %><tr data-job-id="<%= j.jobId %>"><td><%= j.failedAt %></td><td><%= j.sourceRecordId %></td><td class="reason"><%= j.reason %></td><td><%= j.attemptsMade %></td>
<% if (it.canChange) { %><td><form method="post" action="<%= j.retryAction %>"><input type="hidden" name="_csrf" value="<%= it.csrf %>"><button type="submit" class="retry">Retry</button></form></td><% } %></tr><% }) %>
</tbody></table>
<p><a href="/admin/failures">All <%= it.failures.total %> failed calls, paged, with their details</a></p><% } %>
</section>
<section id="unmapped"><h2><a href="/admin/unmapped" id="unmapped-page-link">Unmapped reps and callers</a></h2>
<% if (!it.unmapped) { %><p>Unavailable.</p><% } else { %>
<dl class="figures"><% it.unmapped.byReason.forEach(function (r) { %><dt><%= r.reason %></dt><dd data-reason="<%= r.reason %>"><%= r.count %></dd><% }) %></dl>
<% if (it.unmapped.latest.length) { %><table id="unmapped-latest"><thead><tr><th>Reason</th><th>Who</th><th>Calls</th><th>Last seen</th></tr></thead><tbody>
<% it.unmapped.latest.forEach(function (u) { %><tr><td><%= u.reason %></td><td class="subject"><%= u.subject %></td><td><%= u.count %></td><td><%= u.lastSeen %></td></tr><% }) %>
</tbody></table><% } %><% } %>
</section>
<section id="recent"><h2>Last 20 synced calls</h2>
<% if (!it.recent) { %><p>Unavailable.</p><% } else if (!it.recent.length) { %><p>None yet.</p><% } else { %>
<table id="recent-calls"><thead><tr><th>Synced</th><th>Recording</th><th>Outcome</th><th>Salesforce Task</th><th>In RingSense</th></tr></thead><tbody>
<% it.recent.forEach(function (c) { %><tr><td><%= c.at %></td><td class="recording"><%= c.sourceRecordId %></td><td><%= c.call %></td><td><% if (c.href) { %><a class="task" href="<%= c.href %>" rel="noreferrer" target="_blank"><%= c.callTaskId %></a><% } else { %><%= c.callTaskId %><% } %></td><td><% if (c.ringSenseHref) { %><a class="ringsense" href="<%= c.ringSenseHref %>" rel="noreferrer" target="_blank">RingSense</a><% } %></td></tr><% }) %>
</tbody></table><% } %>
</section>
</div>
`;

const eta = new Eta({ autoEscape: true, autoTrim: false, cache: true });
eta.loadTemplate('@layout', LAYOUT);
eta.loadTemplate('@login', LOGIN);
eta.loadTemplate('@error', ERROR);
eta.loadTemplate('@figures', FIGURES);
eta.loadTemplate('@requests-chart', REQUESTS_CHART);

export interface PageChrome {
  readonly title: string;
  readonly session: { readonly user: string; readonly csrf: string } | undefined;
  readonly readOnly: boolean;
  readonly flash: string | undefined;
}

/** A page of the console: the layout around `body` (already-escaped HTML, from a template). */
export function page(chrome: PageChrome, body: string): string {
  return eta.render('@layout', { ...chrome, body });
}

export interface LoginView {
  readonly csrf: string;
  readonly next: string;
  readonly user: string;
  readonly message: string | undefined;
  readonly messageKind: 'error' | 'notice';
}

export function loginPage(chrome: PageChrome, view: LoginView): string {
  return page(chrome, eta.render('@login', view));
}

export function errorPage(chrome: PageChrome, heading: string, detail: string): string {
  return page(chrome, eta.render('@error', { heading, detail }));
}

/** The overview's figures alone: the fragment htmx swaps in every 15 s (the whole page works without it). */
export function overviewFigures(view: OverviewView): string {
  return eta.render('@figures', view);
}

export function overviewPage(chrome: PageChrome, view: OverviewView): string {
  return page(chrome, `<h1>Overview</h1>\n<p class="hint">Every change and every reveal of call content is in the <a href="/admin/audit" id="audit-link">audit log</a>.</p>\n${overviewFigures(view)}`);
}
