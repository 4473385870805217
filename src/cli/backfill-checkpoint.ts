/**
 * The pure decisions of `backfill`'s checkpoint (stored by backfill-checkpoint-store.ts): where one window's
 * checkpoint lives, what a stored one says, whether a run resumes it or starts over, and what is left to do.
 * No I/O.
 *
 * A checkpoint belongs to one window and domain. It holds the listing pages read so far (as the recording ids
 * found, in order, and where the next page is) and the recordings whose insights were fetched and settled, each
 * with its outcome. A run of the same window resumes an unfinished checkpoint: pages it finished are not read
 * again, settled recordings are not fetched again. A finished checkpoint is kept (marked done) until it expires.
 *
 * The listing depends on the domain: pbx reads the call log, whose pages are numbered (the next page is a number);
 * rcv reads the account's RingCentral Video meeting history, whose pages are chained by tokens (the next page is
 * the token the last page read gave, and the number only counts the pages). A pbx checkpoint has no token field.
 */
import { z } from 'zod';
import type { AceDomain } from '../calls/domains.ts';
import { assertNever } from '../lib/assert-never.ts';

/** What became of one recording of the window (`not_recorded`: an rcv meeting nobody recorded, skipped). */
export const BACKFILL_OUTCOMES = ['queued', 'already_queued', 'already_synced', 'in_failed_set', 'not_analysed', 'not_recorded', 'invalid'] as const;
export type BackfillOutcome = (typeof BACKFILL_OUTCOMES)[number];

/** The domains whose recordings RingCentral lists: pbx in the call log, rcv in the meeting history. */
export const BACKFILL_DOMAINS = ['pbx', 'rcv'] as const satisfies readonly AceDomain[];
export type BackfillDomain = (typeof BACKFILL_DOMAINS)[number];
export const isBackfillDomain = (d: string): d is BackfillDomain => (BACKFILL_DOMAINS as readonly string[]).includes(d);

/** Each listing's page-size bounds (the APIs' perPage) and default, and what the admin reads about it. */
export const LISTINGS: Readonly<Record<BackfillDomain, { readonly name: string; readonly item: string; readonly pageSize: { readonly min: number; readonly max: number } }>> = {
  pbx: { name: 'call log', item: 'recording', pageSize: { min: 1, max: 1000 } },
  rcv: { name: 'meeting history', item: 'meeting', pageSize: { min: 10, max: 100 } },
};
const listingOf = (d: AceDomain) => (isBackfillDomain(d) ? LISTINGS[d] : LISTINGS.pbx);

/** A checkpoint expires this long after its last write. */
export const CHECKPOINT_TTL_MS = 30 * 24 * 3600_000;

export interface BackfillWindow {
  readonly from: number;
  readonly to: number;
  /** No --until was given: `to` is the moment the run started ("now"). */
  readonly openEnded: boolean;
}

/** The checkpoint's own fields (one Redis hash). */
export interface Checkpoint {
  readonly domain: AceDomain;
  readonly from: number;
  readonly to: number;
  /** The listing's page size the pages were read with: page numbers (and tokens) mean nothing with another size. */
  readonly perPage: number;
  /** The next listing page to read (1-based): for pbx the call-log page number, for rcv the count of pages read + 1. */
  readonly nextPage: number;
  /** rcv: the token of the next meeting-history page (undefined before the first page is read, and for pbx). */
  readonly nextPageToken: string | undefined;
  /** Every listing page of the window was read. */
  readonly listed: boolean;
  readonly startedAt: number;
  readonly updatedAt: number;
  /** Set when every recording was settled. */
  readonly finishedAt: number | undefined;
}

/** A checkpoint as read back: its fields, the recording ids in call-log order, and the settled ones. */
export interface StoredCheckpoint {
  readonly checkpoint: Checkpoint;
  readonly ids: readonly string[];
  readonly settled: ReadonlyMap<string, BackfillOutcome>;
}

/**
 * The key of a window's checkpoint, under the configured prefix. An open-ended window (no --until) is keyed by
 * its start alone, so running the same command again finds the interrupted run (and keeps its end).
 */
export function checkpointKey(prefix: string, domain: AceDomain, w: BackfillWindow): string {
  const end = w.openEnded ? 'now' : new Date(w.to).toISOString();
  return `${prefix}:backfill:${domain}:${new Date(w.from).toISOString()}..${end}`;
}

const num = z.coerce.number().int().nonnegative();
const HASH = z.object({
  v: z.literal('1'),
  domain: z.string().min(1),
  from: num,
  to: num,
  perPage: num.min(1).max(1000),
  nextPage: num.min(1),
  nextPageToken: z.string().min(1).optional(),
  listed: z.enum(['0', '1']),
  startedAt: num,
  updatedAt: num,
  finishedAt: num.optional(),
});

/** The Redis hash of a checkpoint (every value a string). */
export function encodeCheckpoint(c: Checkpoint): Record<string, string> {
  const h: Record<string, string> = {
    v: '1',
    domain: c.domain,
    from: String(c.from),
    to: String(c.to),
    perPage: String(c.perPage),
    nextPage: String(c.nextPage),
    listed: c.listed ? '1' : '0',
    startedAt: String(c.startedAt),
    updatedAt: String(c.updatedAt),
  };
  if (c.nextPageToken !== undefined) h.nextPageToken = c.nextPageToken;
  if (c.finishedAt !== undefined) h.finishedAt = String(c.finishedAt);
  return h;
}

/**
 * A checkpoint read back from Redis: `undefined` when there is none (an empty hash), `unreadable` when it is not one
 * this version wrote (it is then started over, never trusted). Unknown outcomes make it unreadable too.
 */
export function decodeCheckpoint(
  hash: Record<string, string>,
  ids: readonly string[],
  settled: Record<string, string>,
  domain: AceDomain,
): StoredCheckpoint | 'unreadable' | undefined {
  if (Object.keys(hash).length === 0) return undefined;
  const parsed = HASH.safeParse(hash);
  if (!parsed.success || parsed.data.domain !== domain || parsed.data.from >= parsed.data.to || !listingConsistent(domain, parsed.data)) return 'unreadable';
  const outcomes = new Map<string, BackfillOutcome>();
  for (const [id, o] of Object.entries(settled)) {
    if (!(BACKFILL_OUTCOMES as readonly string[]).includes(o)) return 'unreadable';
    outcomes.set(id, o as BackfillOutcome);
  }
  const p = parsed.data;
  return {
    checkpoint: {
      domain, from: p.from, to: p.to, perPage: p.perPage, nextPage: p.nextPage, nextPageToken: p.nextPageToken, listed: p.listed === '1',
      startedAt: p.startedAt, updatedAt: p.updatedAt, finishedAt: p.finishedAt,
    },
    ids,
    settled: outcomes,
  };
}

/** The page size fits the domain's listing; only rcv has tokens, and an rcv listing past its first page knows the next one's. */
function listingConsistent(domain: AceDomain, h: z.output<typeof HASH>): boolean {
  const { min, max } = listingOf(domain).pageSize;
  if (h.perPage < min || h.perPage > max) return false;
  if (domain !== 'rcv') return h.nextPageToken === undefined;
  return h.listed === '1' || h.nextPage === 1 || h.nextPageToken !== undefined;
}

export type StartDecision =
  | { readonly kind: 'resume'; readonly stored: StoredCheckpoint }
  | { readonly kind: 'fresh'; readonly reason: 'no_checkpoint' | 'restart' | 'finished_before' | 'unreadable'; readonly finishedAt?: number };

/**
 * Resume or start over: an unfinished checkpoint is resumed unless --restart; a finished one is started over (a
 * new run checks every recording again: what was queued may be synced by now); an unreadable one is replaced.
 */
export function planStart(found: StoredCheckpoint | 'unreadable' | undefined, opts: { readonly restart: boolean }): StartDecision {
  if (found === undefined) return { kind: 'fresh', reason: 'no_checkpoint' };
  if (found === 'unreadable') return { kind: 'fresh', reason: 'unreadable' };
  if (opts.restart) return { kind: 'fresh', reason: 'restart' };
  const finishedAt = found.checkpoint.finishedAt;
  if (finishedAt !== undefined) return { kind: 'fresh', reason: 'finished_before', finishedAt };
  return { kind: 'resume', stored: found };
}

/** A new checkpoint for a window about to be read from page 1. */
export function freshCheckpoint(domain: AceDomain, w: BackfillWindow, perPage: number, now: number): Checkpoint {
  return { domain, from: w.from, to: w.to, perPage, nextPage: 1, nextPageToken: undefined, listed: false, startedAt: now, updatedAt: now, finishedAt: undefined };
}

/** The ids of a page not seen on an earlier page (calls shift between pages while the window is read). */
export function unseenIds(seen: ReadonlySet<string>, page: readonly string[]): string[] {
  const fresh: string[] = [];
  const local = new Set<string>();
  for (const id of page) {
    if (seen.has(id) || local.has(id)) continue;
    local.add(id);
    fresh.push(id);
  }
  return fresh;
}

/** The recordings whose insights are still to fetch, in listing order. */
export function pendingIds(ids: readonly string[], settled: ReadonlyMap<string, BackfillOutcome>): string[] {
  return ids.filter((id) => !settled.has(id));
}

/** What a resumed run says before it goes on. */
export function resumeNote(s: StoredCheckpoint, formatTime: (ms: number) => string): string {
  const c = s.checkpoint;
  const pages = c.nextPage - 1;
  const { name, item } = listingOf(c.domain);
  const page = name.replace(' ', '-');
  const listing = c.listed
    ? `every ${page} page read (${s.ids.length} ${item}s)`
    : `${pages} ${page} page${pages === 1 ? '' : 's'} read (${s.ids.length} ${item}s so far), going on from page ${c.nextPage}`;
  return `Resuming the backfill interrupted after ${formatTime(c.updatedAt)} (checkpoint of ${formatTime(c.startedAt)}): ${listing}, ${s.settled.size} ${item}${s.settled.size === 1 ? '' : 's'} settled.`;
}

/** Why a run starts over although a checkpoint was there (nothing to say when there was none). */
export function freshNote(d: Extract<StartDecision, { kind: 'fresh' }>, formatTime: (ms: number) => string): string | undefined {
  switch (d.reason) {
    case 'no_checkpoint':
      return undefined;
    case 'restart':
      return '--restart: the earlier checkpoint of this window was deleted; starting from page 1.';
    case 'finished_before':
      return `A run of this window finished at ${formatTime(d.finishedAt ?? 0)}: checking every recording again from page 1 (what was queued may be synced by now).`;
    case 'unreadable':
      return 'The checkpoint of this window was unreadable (written by another version?): starting from page 1.';
    default:
      return assertNever(d.reason, 'fresh start reason');
  }
}

/** The tally a resumed run starts from: the outcomes settled before. */
export function countOutcomes(settled: ReadonlyMap<string, BackfillOutcome>): Record<BackfillOutcome, number> {
  const counts = Object.fromEntries(BACKFILL_OUTCOMES.map((o) => [o, 0])) as Record<BackfillOutcome, number>;
  for (const o of settled.values()) counts[o] += 1;
  return counts;
}
