import express, { type Response } from 'express';
import type { MappingChange } from '../../config/mapping-edit.ts';
import { isPhoneSubject } from '../../mapping/unmapped-subject.ts';
import { refuseWhenReadOnly } from './admin-auth.ts';
import type { AuditEntry } from './console.port.ts';
import { formField, type PageRoutesOptions } from './page-routes.ts';
import type { AdminSession } from './sessions.ts';
import type { UnmappedConsole } from './unmapped.port.ts';
import { callerPage, outcomePage, repPage, unmappedPage } from './unmapped-pages.ts';
import { auditOutcome, callerPageView, isCallerSubject, isExtensionId, isUserId, outcomeView, parseCallerTarget, repPageView, unmappedView, type SearchView } from './unmapped-view.ts';
import { errorPage } from './views.ts';

/**
 * /admin/unmapped (the reps and callers that could not be mapped), /admin/unmapped/rep/<extension> (search active
 * users, map in one click), /admin/unmapped/caller?subject= (search contacts and leads, pin one, or ignore the
 * number or name). A change is made to the mapping file (unmapped.port.ts), audited (who, when, what), and answered
 * with its outcome: written (then an offer to retry the calls that failed for that reason) or, for a file that
 * cannot be written, the exact lines to add.
 */

export interface UnmappedRoutesOptions extends PageRoutesOptions {
  readonly unmapped: UnmappedConsole | undefined;
}

const MIN_TERM = 2;
const MAX_TERM = 80;

export function unmappedRoutes(o: UnmappedRoutesOptions): express.Router {
  const router = express.Router();
  const change = [...o.signedIn, refuseWhenReadOnly(o.readOnly)];
  const session = (res: Response) => res.locals.session as AdminSession;
  const opts = (res: Response) => ({ canChange: !o.readOnly, csrf: session(res).csrf });
  const fail = (res: Response, status: number, heading: string, detail: string) => {
    res.status(status).type('html').send(errorPage(o.chrome(heading, session(res)), heading, detail));
  };
  const unavailable = (res: Response) => fail(res, 503, 'Unavailable', 'This server was started without the service: the unmapped list and the mapping file are not reachable from here.');
  const audit = (res: Response, action: string, target: string, outcome: string): Promise<void> =>
    o.actions.recordAudit ? o.actions.recordAudit({ at: o.now(), who: session(res).user, action, target, outcome } satisfies AuditEntry) : Promise.resolve();

  /** Runs a search when a term is given; says why not (too short, Salesforce away) instead of failing the page. */
  async function search<T>(raw: unknown, run: (term: string) => Promise<readonly T[]>): Promise<Omit<SearchView<T>, 'canChange' | 'csrf'>> {
    const term = typeof raw === 'string' ? raw.trim().slice(0, MAX_TERM) : '';
    if (term === '') return { term, results: undefined, problem: undefined };
    if (term.replace(/\s/g, '').length < MIN_TERM) return { term, results: undefined, problem: `Give at least ${MIN_TERM} characters to search for.` };
    try {
      return { term, results: await run(term), problem: undefined };
    } catch (e) {
      o.logger.warn('admin_console_search_failed', { err: e instanceof Error ? e.message : String(e) });
      return { term, results: undefined, problem: `Salesforce could not be searched: ${e instanceof Error ? e.message : String(e)}` };
    }
  }

  router.get('/unmapped', ...o.signedIn, async (_req, res) => {
    if (!o.unmapped) return unavailable(res);
    res.type('html').send(unmappedPage(o.chrome('Unmapped', session(res)), unmappedView(await o.unmapped.list(o.now()), opts(res))));
  });

  router.get('/unmapped/rep/:ext', ...o.signedIn, async (req, res) => {
    const u = o.unmapped;
    if (!u) return unavailable(res);
    const ext = req.params.ext;
    if (!isExtensionId(ext)) return fail(res, 400, 'Not an extension id', 'RingCentral extension ids are digits.');
    const facts = await u.extension(ext);
    // The first visit searches for the rep's RingCentral e-mail: most often the one user to map them to.
    const term = typeof req.query.q === 'string' ? req.query.q : (facts?.email ?? '');
    const found = await search(term, (t) => u.searchUsers(t));
    res.type('html').send(repPage(o.chrome(`Map extension ${ext}`, session(res)), repPageView(ext, facts, found, opts(res))));
  });

  router.get('/unmapped/caller', ...o.signedIn, async (req, res) => {
    const u = o.unmapped;
    if (!u) return unavailable(res);
    const subject = req.query.subject;
    if (!isCallerSubject(subject)) return fail(res, 400, 'Not a caller', 'A caller is a phone number or a name, as the unmapped list shows it.');
    const term = typeof req.query.q === 'string' ? req.query.q : subject;
    const found = await search(term, (t) => u.searchPeople(t));
    res.type('html').send(callerPage(o.chrome('Pin a caller', session(res)), callerPageView(subject, found, opts(res))));
  });

  async function applyChange(res: Response, c: MappingChange, action: string, what: string, reasons: readonly string[], findTerm: string | undefined): Promise<void> {
    const u = o.unmapped!;
    const outcome = await u.changeMapping(c);
    await audit(res, action, what, auditOutcome(outcome, what));
    o.logger.info('admin_console_mapping_change', { action, outcome: outcome.kind });
    const failedByReason = outcome.kind === 'written' || outcome.kind === 'unchanged' ? (await u.list(o.now())).failedByReason : {};
    const view = outcomeView(outcome, what, { failedByReason, reasons, findTerm, ...opts(res) });
    res.status(outcome.kind === 'invalid' || outcome.kind === 'changed_meanwhile' ? 409 : 200).type('html').send(outcomePage(o.chrome(view.heading, session(res)), view));
  }

  router.post('/unmapped/rep/:ext', ...change, async (req, res) => {
    if (!o.unmapped) return unavailable(res);
    const ext = req.params.ext;
    const userId = formField(req.body, 'userId');
    if (!isExtensionId(ext)) return fail(res, 400, 'Not an extension id', 'RingCentral extension ids are digits.');
    if (!isUserId(userId)) return fail(res, 400, 'Not a user id', 'Pick the user from the search results (a Salesforce User id starts with 005).');
    await applyChange(res, { kind: 'user', extensionId: ext, salesforceUserId: userId }, 'map_rep', `users."${ext}" -> ${userId}`, ['unmapped_owner'], undefined);
  });

  router.post('/unmapped/caller', ...change, async (req, res) => {
    if (!o.unmapped) return unavailable(res);
    const subject = formField(req.body, 'subject');
    const target = parseCallerTarget(formField(req.body, 'target'));
    if (!isCallerSubject(subject)) return fail(res, 400, 'Not a caller', 'A caller is a phone number or a name, as the unmapped list shows it.');
    if (!target) return fail(res, 400, 'Not a contact or lead', 'Pick the record from the search results, or Ignore.');
    const phone = isPhoneSubject(subject) ? subject : undefined;
    const c: MappingChange = phone ? { kind: 'caller_phone', phone, target } : { kind: 'caller_name', name: subject, target };
    const section = phone ? 'contacts.byPhone' : 'contacts.byName';
    const to = 'ignore' in target ? 'ignore' : 'contactId' in target ? target.contactId : target.leadId;
    await applyChange(res, c, 'ignore' in target ? 'ignore_caller' : 'pin_caller', `${section} ${phone ? 'number' : 'name'} -> ${to}`, ['no_contact_match'], subject);
  });

  return router;
}
