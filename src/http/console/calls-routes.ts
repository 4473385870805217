import express, { type Response } from 'express';
import { RECORD_ID } from '../../ringcentral/insights-event.schema.ts';
import { refuseWhenReadOnly } from './admin-auth.ts';
import { formField, type PageRoutesOptions } from './page-routes.ts';
import { parseCallTerm } from './call-term.ts';
import { callsPage, callsView } from './calls-view.ts';
import type { AdminSession } from './sessions.ts';
import { errorPage } from './views.ts';

/**
 * /admin/calls?q=<term> (Find a call: where a call is, by recording id, session id or phone number) and its
 * replay: a POST behind the session's CSRF token (`signedIn`), refused in read-only mode, audited.
 */

export type CallsRoutesOptions = PageRoutesOptions;

const DOMAIN = /^[a-z][a-z-]{0,30}$/;


export function callsRoutes(o: CallsRoutesOptions): express.Router {
  const router = express.Router();
  const session = (res: Response) => res.locals.session as AdminSession;
  const fail = (res: Response, status: number, heading: string, detail: string) => {
    res.status(status).type('html').send(errorPage(o.chrome(heading, session(res)), heading, detail));
  };

  router.get('/calls', ...o.signedIn, async (req, res) => {
    if (!o.facts.findCall) return fail(res, 503, 'Unavailable', 'This server was started without the service: the queue is not reachable from here.');
    const parse = parseCallTerm(req.query.q, o.facts.defaultCountry?.() ?? 'US');
    if (parse.kind === 'empty') o.facts.warmFindCall?.();
    const facts = parse.kind === 'ok' ? await o.facts.findCall(parse.query) : undefined;
    const view = callsView(parse, facts, { canChange: !o.readOnly && !!o.actions.replayCall, csrf: session(res).csrf });
    res.status(parse.kind === 'invalid' ? 400 : 200).type('html').send(callsPage(o.chrome('Find a call', session(res)), view));
  });

  router.post('/calls/replay', ...o.signedIn, refuseWhenReadOnly(o.readOnly), async (req, res) => {
    const recordId = (formField(req.body, 'recordId') ?? '').trim();
    const domain = (formField(req.body, 'domain') ?? '').trim();
    if (!RECORD_ID.test(recordId)) return fail(res, 400, 'Not a recording id', 'Recording ids are letters, digits and . _ - ! @ : (at most 200 characters).');
    if (!DOMAIN.test(domain)) return fail(res, 400, 'Not a domain', 'Give one of the ACE domains synced here (RINGSENSE_DOMAINS).');
    if (!o.actions.replayCall || !o.actions.recordAudit) return fail(res, 503, 'Unavailable', 'This server was started without the service: nothing can be replayed from here.');
    const r = await o.actions.replayCall(recordId, domain);
    await o.actions.recordAudit({ at: o.now(), who: session(res).user, action: 'replay', target: `${recordId} (${domain})`, outcome: r.kind });
    o.logger.info('admin_console_replay', { recordId, domain, outcome: r.kind, ...(r.jobId ? { jobId: r.jobId } : {}) });
    o.sessions.flash(session(res).id, r.summary);
    res.redirect(303, `/admin/calls?q=${encodeURIComponent(recordId)}`);
  });

  return router;
}
