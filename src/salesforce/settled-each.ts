import { CrmError } from './classify-error.ts';

/** One item's outcome of a shared request (the Batcher settles a batch as a whole, so failures travel as values). */
export type Settled<O> = { ok: O } | { err: unknown };

export function unwrap<O>(s: Settled<O>): O {
  if ('err' in s) throw s.err;
  return s.ok;
}

/** Failures that say nothing about any one item: the service, the limits or the session. */
function failsEveryItem(e: unknown): boolean {
  const kind = CrmError.from(e).failure.kind;
  return kind === 'transient' || kind === 'rate_limited' || kind === 'auth';
}

/**
 * A shared request, settled item by item. When it fails for what may be one item's fault (a name SOSL refuses, an id a
 * query refuses), each item is asked alone so only that one fails; a transient, limit or auth failure fails every item
 * (their jobs retry later, and asking item by item would only multiply the requests).
 */
export function settledEach<I, O>(run: (items: I[]) => Promise<O[]>): (items: I[]) => Promise<Array<Settled<O>>> {
  return async (items) => {
    try {
      return (await run(items)).map((ok) => ({ ok }));
    } catch (e) {
      if (items.length < 2 || failsEveryItem(e)) throw e;
      return Promise.all(items.map((item) => run([item]).then((out): Settled<O> => ({ ok: out[0] as O }), (err: unknown): Settled<O> => ({ err }))));
    }
  };
}
