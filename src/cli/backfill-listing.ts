/**
 * `backfill`'s first phase: the recording ids of the window, every listing page read before any insights are
 * fetched (so the total is known), each page's new ids written to the checkpoint with where the next page is.
 *   pbx: the account call log (recorded voice calls), numbered pages, Heavy group.
 *   rcv: the account's RingCentral Video meeting history (completed meetings, oldest first), pages chained by
 *        tokens, Light group: a meeting id is the rcv recording's sourceRecordId. The token of the next page is
 *        stored with each page, so a resumed run asks for the page it had not finished (at most one page is read
 *        twice) instead of starting over from the first.
 * A resumed run reads only the pages it had not finished, and nothing when its checkpoint says every page was read.
 */
import { meetingHistoryPages, recordedCallPages, type PacedRequests } from '../ringcentral/paced-requests.ts';
import { LISTINGS, unseenIds, type BackfillDomain, type BackfillWindow } from './backfill-checkpoint.ts';
import type { BackfillCheckpointStore } from './backfill-checkpoint-store.ts';
import type { Progress } from './progress.ts';

export interface ListingRun {
  readonly paced: PacedRequests;
  readonly window: BackfillWindow;
  readonly perPage: number;
  readonly domain: BackfillDomain;
  readonly progress: Progress;
  /** None on a dry run. */
  readonly store: BackfillCheckpointStore | undefined;
}

/** Where the listing starts: from scratch, or where a resumed checkpoint stopped. */
export interface ListingStart {
  readonly ids: readonly string[];
  readonly nextPage: number;
  /** rcv: the meeting history's token of page `nextPage` (undefined: the first page). */
  readonly nextPageToken: string | undefined;
  readonly listed: boolean;
}

/** One page read: `next` tells the checkpoint where the page after it is (token-paged listings only). */
type PageOf = { readonly ids: readonly string[]; readonly next?: { readonly nextPageToken: string } | 'last' };

async function* pagesOf(run: ListingRun, start: ListingStart, onRateWait: (ms: number) => void): AsyncGenerator<PageOf> {
  const { from, to } = run.window;
  if (run.domain === 'pbx') {
    for await (const ids of recordedCallPages(run.paced, { from, to, perPage: run.perPage, firstPage: start.nextPage, onRateWait })) yield { ids };
    return;
  }
  const q = { from, to, perPage: run.perPage, onRateWait, ...(start.nextPageToken ? { pageToken: start.nextPageToken } : {}) };
  for await (const page of meetingHistoryPages(run.paced, q)) {
    yield { ids: page.ids, next: page.nextPageToken ? { nextPageToken: page.nextPageToken } : 'last' };
  }
}

/** The recording ids of the window, in listing order and each once, and the number of pages the window has (all runs). */
export async function listRecordings(run: ListingRun, start: ListingStart, onRateWait: (ms: number) => void): Promise<{ ids: string[]; pages: number }> {
  const ids = [...start.ids];
  const seen = new Set(ids);
  const { name, item } = LISTINGS[run.domain];
  let page = start.nextPage;
  if (!start.listed) {
    for await (const p of pagesOf(run, start, onRateWait)) {
      const fresh = unseenIds(seen, p.ids);
      for (const id of fresh) seen.add(id);
      ids.push(...fresh);
      await run.store?.pageRead(page, fresh, p.next);
      run.progress.update(`Reading the ${name}: page ${page}, ${ids.length} ${item}s so far`);
      page += 1;
    }
    await run.store?.listed();
  }
  return { ids, pages: page - 1 };
}
