import { Eta } from 'eta';
import type { CallerPageView, OutcomeView, RepPageView, UnmappedView } from './unmapped-view.ts';
import { page, type PageChrome } from './views.ts';

/**
 * The Unmapped pages (Eta, `<%= %>` escaping everything; see views.ts): the list, a rep's user search, a caller's
 * contact and lead search, and the outcome of a mapping change. Searches are GET forms (bookmarkable, nothing
 * changes); every change is a POST carrying the session's CSRF token, left out in read-only mode.
 */

const CSRF = '<input type="hidden" name="_csrf" value="<%= it.csrf %>">';

const RETRIES = `<% if (it.canChange && it.retries.length) { %><section id="retry-offers"><h2>Retry the calls that failed</h2>
<% it.retries.forEach(function (r) { %><form method="post" action="/admin/failures/retry-all">${CSRF}<input type="hidden" name="reason" value="<%= r.reason %>"><button type="submit" class="retry-reason" data-reason="<%= r.reason %>">Retry the <%= r.count %> call<%= r.count === 1 ? '' : 's' %> that failed as <%= r.reason %></button></form>
<% }) %><p class="hint">Calls of reps or callers still unmapped fail again with the same reason, and stay listed here.</p></section><% } %>`;

const LIST = `<h1>Unmapped reps and callers</h1>
<p class="hint">Reps (RingCentral extensions) and callers the sync could not map. <%= it.shown %> A change made here is written to the mapping file, which stays the one source of truth.</p>
<section id="reps-section"><h2>Reps</h2>
<% if (!it.reps.length) { %><p id="no-reps">Every rep of the recent calls is mapped.</p><% } else { %>
<table id="unmapped-reps"><thead><tr><th>Extension</th><th>Calls</th><th>Last call</th><th>Recording</th><th>Status</th><th></th></tr></thead><tbody>
<% it.reps.forEach(function (r) { %><tr data-subject="<%= r.subject %>"><td class="subject"><%= r.subject %></td><td class="count"><%= r.count %></td><td><%= r.lastSeen %></td><td><a href="<%= r.findHref %>"><%= r.lastRecording %></a></td><td class="status"><%= r.status %></td>
<td><% if (r.actionHref && it.canChange) { %><a class="map-rep" href="<%= r.actionHref %>">Map to a Salesforce user</a><% } %></td></tr><% }) %>
</tbody></table><% } %>
</section>
<section id="callers-section"><h2>Callers</h2>
<% if (!it.callers.length) { %><p id="no-callers">Every caller of the recent calls was matched.</p><% } else { %>
<table id="unmapped-callers"><thead><tr><th>Caller</th><th>What happened</th><th>Calls</th><th>Last call</th><th>Recording</th><th>Status</th><th></th></tr></thead><tbody>
<% it.callers.forEach(function (r) { %><tr data-subject="<%= r.subject %>" data-reason="<%= r.reason %>"><td class="subject"><%= r.subject %></td><td><%= r.reasonLabel %></td><td class="count"><%= r.count %></td><td><%= r.lastSeen %></td><td><a href="<%= r.findHref %>"><%= r.lastRecording %></a></td><td class="status"><%= r.status %></td>
<td><% if (it.canChange && r.actionHref) { %><a class="pin-caller" href="<%= r.actionHref %>">Pin a contact or lead</a><% } %>
<% if (it.canChange && r.ignorable) { %><form method="post" action="/admin/unmapped/caller" class="inline">${CSRF}<input type="hidden" name="subject" value="<%= r.subject %>"><input type="hidden" name="target" value="ignore"><button type="submit" class="ignore-caller">Ignore</button></form><% } %></td></tr><% }) %>
</tbody></table><% } %>
</section>
${RETRIES}
`;

const SEARCH_PROBLEM = `<% if (it.problem) { %><p class="error" id="search-problem"><%= it.problem %></p><% } %>`;

const REP = `<h1>Map extension <span id="rep-extension"><%= it.extensionId %></span></h1>
<dl id="rep-facts"><% it.facts.forEach(function (f) { %><dt><%= f.label %></dt><dd><%= f.value %></dd><% }) %></dl>
<form method="get" action="<%= it.action %>" class="search"><label>Active Salesforce users by name or e-mail <input name="q" id="user-term" required minlength="2" maxlength="80" value="<%= it.term %>"></label> <button type="submit" class="search">Search</button></form>
${SEARCH_PROBLEM}
<% if (it.results) { %><% if (!it.results.length) { %><p id="no-results">No active user matches.</p><% } else { %>
<table id="user-results"><thead><tr><th>Name</th><th>E-mail</th><th>Username</th><th>Title</th><% if (it.canChange) { %><th></th><% } %></tr></thead><tbody>
<% it.results.forEach(function (u) { %><tr data-user-id="<%= u.id %>"><td class="name"><%= u.name %></td><td><%= u.email %></td><td><%= u.username %></td><td><%= u.title %></td>
<% if (it.canChange) { %><td><form method="post" action="<%= it.action %>">${CSRF}<input type="hidden" name="userId" value="<%= u.id %>"><button type="submit" class="map">Map to <%= u.name %></button></form></td><% } %></tr><% }) %>
</tbody></table><% } %><% } %>
<p><a href="/admin/unmapped">Back to the unmapped list</a></p>
`;

const CALLER = `<h1>Pin a contact or lead for <span id="caller-subject"><%= it.subject %></span></h1>
<p class="hint">Calls with this <%= it.kindLabel %> are then related to the record you pin, whatever a search would find.</p>
<form method="get" action="/admin/unmapped/caller" class="search"><input type="hidden" name="subject" value="<%= it.subject %>"><label>Contacts and leads by name, e-mail, phone or company <input name="q" id="person-term" required minlength="2" maxlength="80" value="<%= it.term %>"></label> <button type="submit" class="search">Search</button></form>
${SEARCH_PROBLEM}
<% if (it.results) { %><% if (!it.results.length) { %><p id="no-results">No contact or lead matches.</p><% } else { %>
<table id="person-results"><thead><tr><th>Type</th><th>Name</th><th>Company</th><th>E-mail</th><th>Phone</th><% if (it.canChange) { %><th></th><% } %></tr></thead><tbody>
<% it.results.forEach(function (p) { %><tr data-record-id="<%= p.id %>"><td><%= p.type %></td><td class="name"><%= p.name %></td><td><%= p.company %></td><td><%= p.email %></td><td><%= p.phone %></td>
<% if (it.canChange) { %><td><form method="post" action="/admin/unmapped/caller">${CSRF}<input type="hidden" name="subject" value="<%= it.subject %>"><input type="hidden" name="target" value="<%= p.value %>"><button type="submit" class="pin">Pin <%= p.name %></button></form></td><% } %></tr><% }) %>
</tbody></table><% } %><% } %>
<% if (it.canChange) { %><form method="post" action="/admin/unmapped/caller">${CSRF}<input type="hidden" name="subject" value="<%= it.subject %>"><input type="hidden" name="target" value="ignore"><button type="submit" class="ignore-caller">Ignore this <%= it.kindLabel %></button> <span class="hint">(its calls are written without a contact, and not listed as unmatched)</span></form><% } %>
<p><a href="/admin/unmapped">Back to the unmapped list</a></p>
`;

const OUTCOME = `<h1 id="outcome-heading"><%= it.heading %></h1>
<p id="outcome" data-kind="<%= it.kind %>"><%= it.detail %></p>
<% if (it.lines.length) { %><pre id="mapping-lines"><% it.lines.forEach(function (l) { %><%= l %>
<% }) %></pre><% } %>
<% if (it.problems.length) { %><ul class="problems" id="mapping-problems"><% it.problems.forEach(function (p) { %><li><% if (p.line) { %>line <%= p.line %>: <% } %><%= p.where %>: <%= p.message %></li><% }) %></ul><% } %>
${RETRIES}
<% if (it.findHref) { %><p>Calls already written without a contact keep it until replayed: <a id="find-calls" href="<%= it.findHref %>">find them and replay</a>.</p><% } %>
<p><a href="/admin/unmapped">Back to the unmapped list</a> · <a href="/admin/audit">Audit log</a></p>
`;

const eta = new Eta({ autoEscape: true, autoTrim: false, cache: true });
eta.loadTemplate('@unmapped', LIST);
eta.loadTemplate('@rep', REP);
eta.loadTemplate('@caller', CALLER);
eta.loadTemplate('@outcome', OUTCOME);

export const unmappedPage = (chrome: PageChrome, view: UnmappedView): string => page(chrome, eta.render('@unmapped', view));
export const repPage = (chrome: PageChrome, view: RepPageView): string => page(chrome, eta.render('@rep', view));
export const callerPage = (chrome: PageChrome, view: CallerPageView): string => page(chrome, eta.render('@caller', view));
export const outcomePage = (chrome: PageChrome, view: OutcomeView): string => page(chrome, eta.render('@outcome', view));
