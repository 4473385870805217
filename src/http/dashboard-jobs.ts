import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import type { Job, Queue } from 'bullmq';
import type { RequestHandler } from 'express';
import { boundJson } from '../lib/bounded-json.ts';
import { viewJobData } from '../queue/job-view.ts';

/**
 * What bull-board shows of a job. bull-board sends each listed job's data, return value, failed reason and stack
 * trace as they are: whole events (215 MB of JSON for one page of the failed list after huge events), call
 * content, and server paths. Here:
 * - data: the redacted shape of `failed show` (viewJobData), or the content with ADMIN_SHOW_CALL_CONTENT=true
 *   (bull-board has no per-view reveal: the setting is the admin asking), never more than JOB_DATA_BYTES of
 *   JSON, and never decoding more than MAX_DECODED_BYTES of an event (in the redacted shape the transcript is not
 *   inflated at all);
 * - the stack trace: never (its lines name server paths; the failed reason, ours, says what went wrong);
 * - the return value: ids and outcomes, bounded all the same.
 */

/** JSON per job at most, about: the redacted shape of a real call fits; content is cut to its first lines. */
export const JOB_DATA_BYTES = { redacted: 4 * 1024, content: 16 * 1024 } as const;
/**
 * A call job's event is not decoded for the dashboard when its JSON weighs more (then the dashboard shows its
 * kind, times and size): three times the longest call of the fixtures (328 KB, a 4-hour transcript).
 */
export const MAX_DECODED_BYTES = 1024 * 1024;
/** The most jobs one dashboard request lists per state: bull-board's own settings page allows no more. */
export const MAX_JOBS_PER_PAGE = 300;

/** A job's data as the dashboard shows it (bull-board's `data` formatter). Pure, bounded whatever the input. */
export function dashboardJobData(data: unknown, opts: { content: boolean } = { content: false }): unknown {
  const view = viewJobData(data, { content: opts.content, maxDecodedBytes: MAX_DECODED_BYTES });
  return boundJson(view, { maxBytes: opts.content ? JOB_DATA_BYTES.content : JOB_DATA_BYTES.redacted });
}

/**
 * The BullMQ adapter without stack traces: bull-board reads them from the Job objects it gets here (no formatter
 * reaches them). Those are fresh copies read from Redis for this request; what is stored stays as it is.
 */
class CallsBoardAdapter extends BullMQAdapter {
  override async getJob(id: string): Promise<Job | undefined> {
    const job = await super.getJob(id);
    if (job) job.stacktrace = [];
    return job;
  }

  override async getJobs(...args: Parameters<BullMQAdapter['getJobs']>): Promise<Job[]> {
    const jobs = await super.getJobs(...args);
    for (const job of jobs) job.stacktrace = [];
    return jobs;
  }
}

export function boardAdapter(queue: Queue, opts: { readOnly: boolean; showCallContent: boolean }): BullMQAdapter {
  const a = new CallsBoardAdapter(queue, { readOnlyMode: opts.readOnly, description: 'RingSense call insights -> Salesforce Tasks' });
  a.setFormatter('data', (data: unknown) => dashboardJobData(data, { content: opts.showCallContent }));
  a.setFormatter('returnValue', (value: unknown) => boundJson(value, { maxBytes: JOB_DATA_BYTES.redacted }));
  return a;
}

/**
 * Refuses what would write job data from the dashboard (editing a job's data, adding a job: bull-board writes
 * what it showed, the redacted and cut view, where the stored event was), and pages longer than
 * MAX_JOBS_PER_PAGE. Paths are relative to the dashboard's mount point.
 */
export const boardRequestLimits: RequestHandler = (req, res, next) => {
  if ((req.method === 'PATCH' && /^\/api\/queues\/[^/]+\/[^/]+\/update-data\/?$/.test(req.path)) || (req.method === 'POST' && /^\/api\/queues\/[^/]+\/add\/?$/.test(req.path))) {
    res.status(405).json({ error: 'job_data_not_editable', detail: 'job data is written by the service only; retry a failed job instead' });
    return;
  }
  const perPage = req.method === 'GET' && req.path.replace(/\/$/, '') === '/api/queues' ? req.query.jobsPerPage : undefined;
  if (perPage !== undefined && !(typeof perPage === 'string' && /^\d{1,3}$/.test(perPage) && Number(perPage) <= MAX_JOBS_PER_PAGE)) {
    res.status(400).json({ error: 'jobs_per_page_too_large', detail: `jobsPerPage must be a whole number up to ${MAX_JOBS_PER_PAGE}` });
    return;
  }
  next();
};
