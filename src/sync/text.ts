/** Text helpers for Salesforce fields: limits are in characters (UTF-16 code units, as Salesforce counts). */

const ELLIPSIS = '…';

/** Cuts `text` to at most `max` characters, on a word boundary when one is near, ending with an ellipsis. */
export function cutOnWord(text: string, max: number): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= max) return clean;
  let cut = clean.slice(0, max - ELLIPSIS.length);
  const space = cut.lastIndexOf(' ');
  if (space >= cut.length * 0.6) cut = cut.slice(0, space);
  return safeEnd(cut).replace(/[\s,;:.-]+$/, '') + ELLIPSIS;
}

/** Drops a dangling high surrogate so a cut never splits an emoji or other astral character. */
export function safeEnd(text: string): string {
  const last = text.charCodeAt(text.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? text.slice(0, -1) : text;
}

/** A time in the call: `m:ss`, or `h:mm:ss` from one hour on. */
export function formatOffset(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${String(m).padStart(2, '0')}:${ss}`;
}

/** A duration for people: `2 min 6 s`, `45 min`, `1 h 5 min`. */
export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return s > 0 ? `${m} min ${s} s` : `${m} min`;
  return `${s} s`;
}
