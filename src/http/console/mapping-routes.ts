import express, { type Response } from 'express';
import type { MappingFacts, OnlineCheckResult } from './mapping.port.ts';
import { mappingPage } from './mapping-page.ts';
import { mappingView } from './mapping-view.ts';
import type { PageRoutesOptions } from './page-routes.ts';
import type { AdminSession } from './sessions.ts';
import { errorPage } from './views.ts';

/**
 * /admin/mapping: the mapping in force, the file on disk validated offline, the online check (run on demand: a POST
 * behind the session's CSRF token, allowed in read-only mode since it only reads), the mapped Task fields with
 * their describe status and the fields calls were written without.
 */

export interface MappingRoutesOptions extends PageRoutesOptions {
  /** Undefined on a server started without the service: the page answers 503. */
  readonly mapping: MappingFacts | undefined;
  /** How long the POST waits for the check before answering (it goes on; the page shows it running). Default 10 s. */
  readonly checkWaitMs?: number;
}

const CHECK_WAIT_MS = 10_000;

function checkedMessage(r: OnlineCheckResult | undefined): string {
  if (!r) return 'The online check is still running: reload the page in a moment to see its result.';
  switch (r.kind) {
    case 'checked':
      return r.problems.length ? `The online check found ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}.` : 'The online check found no problem.';
    case 'unfinished':
      return 'The online check could not finish.';
    case 'unavailable':
      return 'The online check cannot run in this process.';
  }
}

export function mappingRoutes(o: MappingRoutesOptions): express.Router {
  const router = express.Router();
  const session = (res: Response) => res.locals.session as AdminSession;
  const unavailable = (res: Response) => {
    res.status(503).type('html').send(errorPage(o.chrome('Unavailable', session(res)), 'Unavailable', 'This server was started without the service: the mapping in force is not known here.'));
  };

  router.get('/mapping', ...o.signedIn, async (_req, res) => {
    const facts = o.mapping;
    if (!facts) return unavailable(res);
    const fields = await facts.fieldStatus(o.now());
    const view = mappingView({ inForce: facts.inForce(), file: facts.checkFile(), online: facts.online(), fields }, { canCheck: true, csrf: session(res).csrf });
    res.type('html').send(mappingPage(o.chrome('Mapping', session(res)), view));
  });

  // A read of Salesforce and RingCentral, not a change: allowed in read-only mode (the CSRF token is still required).
  router.post('/mapping/check', ...o.signedIn, async (_req, res) => {
    const facts = o.mapping;
    if (!facts) return unavailable(res);
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, o.checkWaitMs ?? CHECK_WAIT_MS, undefined)));
    const result = await Promise.race([facts.checkOnline(), waited]);
    clearTimeout(timer);
    o.logger.info('admin_console_mapping_check', { outcome: result?.kind ?? 'running' });
    o.sessions.flash(session(res).id, checkedMessage(result));
    res.redirect(303, '/admin/mapping#online-check');
  });

  return router;
}
