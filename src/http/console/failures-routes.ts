import express, { type Response } from 'express';
import { parseDays } from '../../queue/failed-summary.ts';
import { refuseWhenReadOnly } from './admin-auth.ts';
import { formField, type PageRoutesOptions } from './page-routes.ts';
import type { AuditEntry, RetryResult } from './console.port.ts';
import { auditPage, failureDetailPage, failuresPage } from './failures-pages.ts';
import { AUDIT_SHOWN, auditView, failureDetailView, failuresPageView, isReasonCode, parsePaging } from './failures-view.ts';
import { isJobId } from './overview-view.ts';
import type { AdminSession } from './sessions.ts';
import { errorPage } from './views.ts';

/**
 * /admin/failures (counts by reason, the failed calls paged, newest first), /admin/failures/<jobId> (one failure,
 * its call content hidden until revealed), /admin/audit, and the changes: retry one, retry all of a reason, purge
 * older than N days. Every change and reveal is a POST behind the session's CSRF token (`signedIn`), refused in
 * read-only mode, and audited (who, when, what: ids and counts only).
 */

export type FailuresRoutesOptions = PageRoutesOptions;

function retryMessage(jobId: string, r: RetryResult): string {
  switch (r.kind) {
    case 'retried':
      return `Call ${jobId} is queued again with its attempts reset.`;
    case 'not_failed':
      return `Call ${jobId} was not retried: it is ${r.state} now, no longer failed.`;
    case 'not_found':
      return `Call ${jobId} was not retried: it is no longer in the queue (retried, purged or expired).`;
  }
}


export function failuresRoutes(o: FailuresRoutesOptions): express.Router {
  const router = express.Router();
  const { facts, actions } = o;
  const change = [...o.signedIn, refuseWhenReadOnly(o.readOnly)];
  const session = (res: Response) => res.locals.session as AdminSession;
  const fail = (res: Response, status: number, heading: string, detail: string) => {
    res.status(status).type('html').send(errorPage(o.chrome(heading, session(res)), heading, detail));
  };
  const unavailable = (res: Response) => fail(res, 503, 'Unavailable', 'This server was started without the service: the failed set is not reachable from here.');
  const audit = (res: Response, action: string, target: string, outcome: string): Promise<void> =>
    actions.recordAudit ? actions.recordAudit({ at: o.now(), who: session(res).user, action, target, outcome } satisfies AuditEntry) : Promise.resolve();
  const jobIdOf = (res: Response, raw: unknown): string | undefined => {
    const jobId = String(raw);
    if (isJobId(jobId)) return jobId;
    fail(res, 400, 'Not a job id', 'Job ids are letters, digits, dots, dashes and underscores.');
    return undefined;
  };

  router.get('/failures', ...o.signedIn, async (req, res) => {
    if (!facts.failuresPage) return unavailable(res);
    const paging = parsePaging(req.query);
    const view = failuresPageView(await facts.failuresPage({ offset: paging.offset, limit: paging.per }), paging, { canChange: !o.readOnly, csrf: session(res).csrf });
    res.type('html').send(failuresPage(o.chrome('Failures', session(res)), view));
  });

  const showDetail = async (res: Response, jobId: string, content: boolean) => {
    if (!facts.failure) return unavailable(res);
    const found = await facts.failure(jobId, { content });
    if (found.kind !== 'failed') {
      const why = found.kind === 'not_failed' ? `it is ${found.state} now, no longer failed` : 'it is no longer in the queue (retried, purged or expired)';
      return fail(res, 404, 'Not a failed call', `Job ${jobId} is not in the failed set: ${why}.`);
    }
    const view = failureDetailView(found.job, found.event, found.content, { canChange: !o.readOnly, csrf: session(res).csrf });
    res.type('html').send(failureDetailPage(o.chrome(`Failed call ${jobId}`, session(res)), view));
  };

  router.get('/failures/:jobId', ...o.signedIn, async (req, res) => {
    const jobId = jobIdOf(res, req.params.jobId);
    if (jobId) await showDetail(res, jobId, false);
  });

  // Shown in the answer to the POST, never at a URL of its own: the reveal is audited first, or not made.
  router.post('/failures/:jobId/reveal', ...change, async (req, res) => {
    const jobId = jobIdOf(res, req.params.jobId);
    if (!jobId) return;
    if (!actions.recordAudit) return unavailable(res);
    await audit(res, 'reveal_call_content', jobId, 'shown');
    o.logger.info('admin_console_reveal', { jobId });
    await showDetail(res, jobId, true);
  });

  router.post('/failures/retry-all', ...change, async (req, res) => {
    const reason = formField(req.body, 'reason');
    if (!isReasonCode(reason)) return fail(res, 400, 'Not a reason code', 'Reason codes are snake_case words, as the failures page lists them.');
    if (!actions.retryAllFailed) return unavailable(res);
    const outcome = await actions.retryAllFailed(reason);
    await audit(res, 'retry_all', reason, `${outcome.count} retried`);
    o.logger.info('admin_console_retry_all', { reason, retried: outcome.count });
    o.sessions.flash(session(res).id, outcome.summary);
    res.redirect(303, '/admin/failures');
  });

  router.post('/failures/purge', ...change, async (req, res) => {
    const text = (formField(req.body, 'days') ?? '').trim();
    const days = parseDays(text);
    if (days === undefined) return fail(res, 400, 'Not a number of days', 'Give a number of days from 0 to 36500 (e.g. 7 or 0.5).');
    if (!actions.purgeFailed) return unavailable(res);
    const outcome = await actions.purgeFailed(days, text);
    await audit(res, 'purge', `older than ${text} days`, `${outcome.count} removed`);
    o.logger.info('admin_console_purge', { olderThanDays: days, removed: outcome.count });
    o.sessions.flash(session(res).id, outcome.summary);
    res.redirect(303, '/admin/failures');
  });

  router.post('/failures/:jobId/retry', ...change, async (req, res) => {
    const jobId = jobIdOf(res, req.params.jobId);
    if (!jobId) return;
    const outcome = await actions.retryFailed(jobId);
    await audit(res, 'retry', jobId, outcome.kind);
    o.logger.info('admin_console_retry', { jobId, outcome: outcome.kind });
    o.sessions.flash(session(res).id, retryMessage(jobId, outcome));
    res.redirect(303, formField(req.body, 'back') === 'failures' ? '/admin/failures' : '/admin');
  });

  router.get('/audit', ...o.signedIn, async (_req, res) => {
    if (!facts.audit) return unavailable(res);
    res.type('html').send(auditPage(o.chrome('Audit log', session(res)), auditView(await facts.audit(AUDIT_SHOWN))));
  });

  return router;
}
