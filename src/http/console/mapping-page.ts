import { Eta } from 'eta';
import type { MappingView } from './mapping-view.ts';
import { page, type PageChrome } from './views.ts';

/**
 * The Mapping page's template (Eta, `<%= %>` escaping everything; see views.ts). The online check's form is a POST
 * carrying the session's CSRF token; it is shown in read-only mode too, as the check changes nothing (reads only).
 */

const CSRF = '<input type="hidden" name="_csrf" value="<%= it.csrf %>">';

const MAPPING = `<h1>Mapping</h1>
<% if (it.problem) { %><ul class="problems"><li><%= it.problem %></li></ul><% } %>
<section id="in-force"><h2>In force</h2>
<dl><dt>File</dt><dd id="mapping-file"><%= it.file %></dd>
<dt>Loaded</dt><dd id="mapping-loaded"><%= it.loadedAt %></dd>
<dt>Users mapped</dt><dd id="mapping-users"><%= it.users %><% if (it.defaultOwner) { %> (+ a default owner: <%= it.defaultOwner %>)<% } %></dd>
<dt>Contact overrides</dt><dd id="mapping-contacts"><%= it.contacts %></dd></dl>
<% it.warnings.forEach(function (w) { %><p class="error mapping-warning"><%= w %></p><% }) %>
<% if (it.userRows.length) { %><table id="mapped-users"><thead><tr><th>RingCentral extension</th><th>Salesforce user</th></tr></thead><tbody>
<% it.userRows.forEach(function (u) { %><tr><td class="extension"><%= u.extension %></td><td class="user"><%= u.user %></td></tr><% }) %>
</tbody></table><% } %>
<details><summary>Settings in force (defaults filled in)</summary>
<pre id="mapping-settings"><%= it.settings %></pre>
</details>
</section>
<section id="file-check"><h2>The file on disk</h2>
<p class="state <%= it.fileCheck.state === 'valid' ? 'ok' : it.fileCheck.state === 'changed' ? '' : 'bad' %>" id="file-state"><%= it.fileCheck.state %></p>
<p id="file-summary"><%= it.fileCheck.summary %></p>
<% if (it.fileCheck.warning) { %><p class="error" id="file-warning"><%= it.fileCheck.warning %></p><% } %>
<% if (it.fileCheck.problems.length) { %><table id="file-problems"><thead><tr><th>Where</th><th>Key</th><th>Problem</th></tr></thead><tbody>
<% it.fileCheck.problems.forEach(function (p) { %><tr><td class="line"><%= p.at %></td><td class="key"><%= p.where %></td><td class="problem"><%= p.message %></td></tr><% }) %>
</tbody></table><% } %>
<p class="hint">Read and validated now, offline, as the service's reload reads it (<code>ringsense-sync config check</code>).</p>
</section>
<section id="online-check"><h2>Online check</h2>
<p class="hint">Looks up every Salesforce user, record and Task field and every RingCentral extension the mapping in force names, as <code>ringsense-sync config check --online</code> does (reads only: nothing is changed).</p>
<% if (it.online.running) { %><p id="online-running"><%= it.online.running %></p><% } %>
<% if (it.online.result) { %><p><span class="state <%= it.online.result.state === 'ok' ? 'ok' : 'bad' %>" id="online-state"><%= it.online.result.state %></span> <span class="hint">checked <span id="online-at"><%= it.online.result.at %></span></span></p>
<p id="online-summary"><%= it.online.result.summary %></p>
<% if (it.online.result.stale) { %><p class="error" id="online-stale"><%= it.online.result.stale %></p><% } %>
<% if (it.online.result.problems.length) { %><table id="online-problems"><thead><tr><th>What</th><th>Key</th><th>Problem</th></tr></thead><tbody>
<% it.online.result.problems.forEach(function (p) { %><tr><td class="what"><%= p.what %></td><td class="key"><%= p.key %></td><td class="problem"><%= p.problem %></td></tr><% }) %>
</tbody></table><% } %><% } else if (!it.online.running) { %><p id="online-none">Not run since this process started.</p><% } %>
<% if (it.canCheck) { %><form method="post" action="/admin/mapping/check" class="check-online">${CSRF}<button type="submit" class="check-online">Run the online check</button></form><% } %>
</section>
<section id="task-fields"><h2>Mapped Task fields</h2>
<% if (!it.fields.rows.length) { %><p id="no-fields">No Task field is mapped (fields.task).</p><% } else { %>
<p class="hint" id="fields-described"><%= it.fields.described %></p>
<table id="mapped-fields"><thead><tr><th>Field</th><th>Takes</th><th>In the org</th><th>Type</th><th>Problems</th></tr></thead><tbody>
<% it.fields.rows.forEach(function (f) { %><tr><td class="field"><%= f.name %></td><td class="takes"><%= f.takes %></td><td class="exists"><%= f.exists %></td><td class="type"><%= f.type %></td><td class="field-problems"><% if (f.ok === true) { %>none<% } %><% f.problems.forEach(function (p) { %><p><%= p %></p><% }) %></td></tr><% }) %>
</tbody></table><% } %>
<h3>Refused fields</h3>
<p id="refusals-summary"><%= it.refusals.summary %></p>
<% if (it.refusals.rows.length) { %><table id="field-refusals"><thead><tr><th>Field</th><th>Code</th><th>Calls</th><th>Last seen</th><th>Last call</th><th>Reason</th></tr></thead><tbody>
<% it.refusals.rows.forEach(function (r) { %><tr><td class="field"><%= r.field %></td><td class="code"><%= r.code %></td><td><%= r.count %></td><td><%= r.lastSeen %></td><td><%= r.lastCall %></td><td><%= r.message %></td></tr><% }) %>
</tbody></table><% } %>
</section>
`;

const eta = new Eta({ autoEscape: true, autoTrim: false, cache: true });
eta.loadTemplate('@mapping', MAPPING);

export function mappingPage(chrome: PageChrome, view: MappingView): string {
  return page(chrome, eta.render('@mapping', view));
}
