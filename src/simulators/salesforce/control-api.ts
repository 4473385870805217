/** The `/_sim/...` HTTP control API: the same knobs as the SalesforceSimulator methods, as JSON. */
import { faultFromJson, type FaultSpec } from './faults.ts';
import type { CustomFieldSpec } from './schema.ts';

export interface SimControls {
  seed(seed: { fields?: Record<string, CustomFieldSpec[]>; records?: Record<string, Array<Record<string, unknown>>> }): Record<string, string[]>;
  records(type: string): Array<Record<string, unknown>>;
  injectFault(f: FaultSpec): void;
  clearFaults(): void;
  setLatency(ms: number, when?: 'before' | 'after'): void;
  setAlways401(on: boolean): void;
  setApiUsage(used: number, limit?: number): void;
  counters(): unknown;
  resetCounters(): void;
}

export interface ControlReply {
  status: number;
  body?: unknown;
}

const bad = (message: string): ControlReply => ({ status: 400, body: { error: message } });

function obj(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

export function handleControl(sim: SimControls, method: string, path: string, body: unknown): ControlReply {
  const route = `${method} ${path.replace(/\/+$/, '')}`;
  try {
    if (route === 'POST /_sim/seed') {
      const { records, fields } = obj(body);
      return { status: 200, body: sim.seed({ fields: obj(fields) as Record<string, CustomFieldSpec[]>, records: obj(records) as Record<string, Array<Record<string, unknown>>> }) };
    }
    const rec = /^GET \/_sim\/records\/([A-Za-z]+)$/.exec(route);
    if (rec !== null) return { status: 200, body: sim.records(rec[1] ?? '') };
    switch (route) {
      case 'POST /_sim/faults':
        for (const f of Array.isArray(body) ? body : [body]) sim.injectFault(faultFromJson(f));
        return { status: 204 };
      case 'DELETE /_sim/faults':
        sim.clearFaults();
        return { status: 204 };
      case 'POST /_sim/latency': {
        const { ms, when } = obj(body);
        if (typeof ms !== 'number' || ms < 0) return bad('ms must be a non-negative number');
        if (when !== undefined && when !== 'before' && when !== 'after') return bad('when must be "before" or "after"');
        sim.setLatency(ms, when);
        return { status: 204 };
      }
      case 'POST /_sim/always401': {
        const on = obj(body).on;
        if (typeof on !== 'boolean') return bad('on must be a boolean');
        sim.setAlways401(on);
        return { status: 204 };
      }
      case 'POST /_sim/api-usage': {
        const { used, limit } = obj(body);
        if (typeof used !== 'number' || (limit !== undefined && typeof limit !== 'number')) return bad('used (and limit) must be numbers');
        sim.setApiUsage(used, limit);
        return { status: 204 };
      }
      case 'GET /_sim/counters':
        return { status: 200, body: sim.counters() };
      case 'POST /_sim/counters/reset':
        sim.resetCounters();
        return { status: 204 };
      default:
        return { status: 404, body: { error: `no control route ${route}` } };
    }
  } catch (err) {
    return bad(err instanceof Error ? err.message : String(err));
  }
}
