/**
 * The simulator's control API under /_sim/ (JSON in, JSON out), so a simulator running in another
 * process (`simulate` CLI, demo) can be driven like the in-process object. Not a RingCentral API.
 */
import { isRecord, json, type SimResponse } from './http-io.ts';
import { isRateLimitedEndpoint, type RateLimitedEndpoint, type RateLimitOptions } from './rate-limit.ts';
import type { RcvMeeting } from './rcvideo-meeting.ts';
import type { RingCentralSeed, SimRecording } from './state.ts';

export interface SimControl {
  seed(seed: RingCentralSeed): void;
  addRecording(r: SimRecording): void;
  markAnalysed(sourceRecordId: string): void;
  addMeeting(m: RcvMeeting): void;
  configureRateLimits(opts: RateLimitOptions): void;
  publishInsights(sourceRecordIdOrBody: string | Record<string, unknown>, opts?: { envelope?: Record<string, string> }): string;
  publishRaw(body: unknown): string;
  dropSockets(opts?: { recovery?: 'successful' | 'failed' }): void;
  failNextUpgrades(n: number, status?: number): void;
  rateLimit(endpoint: RateLimitedEndpoint, opts: { count: number; retryAfterSeconds: number }): void;
  expireAccessTokens(): void;
  counters(): unknown;
  subscriptions(): unknown;
}

function bad(message: string): SimResponse {
  return json(400, { error: message });
}

function stringMap(v: unknown): Record<string, string> | undefined {
  if (!isRecord(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

function post(path: string, body: unknown, sim: SimControl): SimResponse {
  const b = isRecord(body) ? body : {};
  const analysed = /^\/_sim\/recordings\/([^/]+)\/analysed$/.exec(path);
  if (analysed?.[1] !== undefined) {
    sim.markAnalysed(decodeURIComponent(analysed[1]));
    return json(200, { ok: true });
  }
  switch (path) {
    case '/_sim/seed':
      if (!isRecord(body)) return bad('seed must be an object');
      sim.seed(body);
      return json(200, { ok: true });
    case '/_sim/recordings':
      if (!isRecord(b.insights)) return bad('recording.insights must be an object');
      sim.addRecording(b as unknown as SimRecording);
      return json(201, { ok: true });
    case '/_sim/meetings':
      if (!isRecord(body)) return bad('meeting must be an object');
      sim.addMeeting(body as unknown as RcvMeeting);
      return json(201, { ok: true });
    case '/_sim/rate-limits':
      if ((b.enforce !== undefined && typeof b.enforce !== 'boolean') || (b.groups !== undefined && !isRecord(b.groups))) {
        return bad('expected {enforce?: boolean, groups?: {Light?: {limit, windowSeconds, penaltySeconds?}, ...}}');
      }
      sim.configureRateLimits(b);
      return json(200, { ok: true });
    case '/_sim/publish': {
      const envelope = stringMap(b.envelope);
      const opts = envelope ? { envelope } : undefined;
      if (typeof b.sourceRecordId === 'string') return json(200, { uuid: sim.publishInsights(b.sourceRecordId, opts) });
      if (isRecord(b.body)) return json(200, { uuid: sim.publishInsights(b.body, opts) });
      return bad('expected {sourceRecordId} or {body}');
    }
    case '/_sim/publish-raw':
      if (!('body' in b)) return bad('expected {body}');
      return json(200, { uuid: sim.publishRaw(b.body) });
    case '/_sim/drop': {
      const recovery = b.recovery ?? 'successful';
      if (recovery !== 'successful' && recovery !== 'failed') return bad('recovery must be successful|failed');
      sim.dropSockets({ recovery });
      return json(200, { ok: true });
    }
    case '/_sim/fail-upgrades': {
      if (typeof b.n !== 'number') return bad('expected {n, status?}');
      sim.failNextUpgrades(b.n, typeof b.status === 'number' ? b.status : undefined);
      return json(200, { ok: true });
    }
    case '/_sim/rate-limit': {
      if (!isRateLimitedEndpoint(b.endpoint) || typeof b.count !== 'number' || typeof b.retryAfterSeconds !== 'number') {
        return bad('expected {endpoint, count, retryAfterSeconds}');
      }
      sim.rateLimit(b.endpoint, { count: b.count, retryAfterSeconds: b.retryAfterSeconds });
      return json(200, { ok: true });
    }
    case '/_sim/expire-tokens':
      sim.expireAccessTokens();
      return json(200, { ok: true });
    default:
      return json(404, { error: `unknown control path ${path}` });
  }
}

export function handleControl(method: string, path: string, body: unknown, sim: SimControl): SimResponse {
  try {
    if (method === 'GET' && path === '/_sim/counters') return json(200, sim.counters());
    if (method === 'GET' && path === '/_sim/subscriptions') return json(200, sim.subscriptions());
    if (method === 'POST') return post(path, body, sim);
    return json(405, { error: 'method not allowed' });
  } catch (err) {
    return bad(err instanceof Error ? err.message : String(err));
  }
}
