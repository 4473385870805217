/**
 * Readiness as a set of named checks. Each check answers `{ ok, ...details }`, or undefined when it does not apply
 * to this process (it is then left out); one that throws or takes too long is not ok. The service is ready when
 * every check that applies is ok. Details are shown to anyone who can reach /readyz: states and error messages
 * only, never secrets or call content.
 */

export interface CheckResult {
  readonly ok: boolean;
  readonly [detail: string]: unknown;
}

export type ReadinessCheck = () => CheckResult | undefined | Promise<CheckResult | undefined>;

export interface ReadinessReport {
  readonly status: 'ready' | 'not_ready';
  readonly checks: Readonly<Record<string, CheckResult>>;
}

/** The report from the checks' results, in registration order. Pure. */
export function aggregate(results: ReadonlyArray<readonly [string, CheckResult | undefined]>): ReadinessReport {
  const checks: Record<string, CheckResult> = {};
  for (const [name, result] of results) if (result) checks[name] = result;
  return { status: Object.values(checks).every((c) => c.ok) ? 'ready' : 'not_ready', checks };
}

function errorText(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).slice(0, 200);
}

async function run(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: `no answer within ${timeoutMs} ms` }), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([Promise.resolve().then(check), timeout]);
  } catch (e) {
    return { ok: false, error: errorText(e) };
  } finally {
    clearTimeout(timer);
  }
}

export class Readiness {
  readonly #checks = new Map<string, ReadinessCheck>();
  readonly #timeoutMs: number;

  /** `timeoutMs`: how long each check may take (they run in parallel). */
  constructor(checks: Readonly<Record<string, ReadinessCheck | undefined>> = {}, timeoutMs = 1000) {
    this.#timeoutMs = timeoutMs;
    for (const [name, check] of Object.entries(checks)) if (check) this.add(name, check);
  }

  /** Registers another check (e.g. `api_budget`). Names are unique. */
  add(name: string, check: ReadinessCheck): void {
    if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`readiness check name "${name}" must be snake_case`);
    if (this.#checks.has(name)) throw new Error(`readiness check "${name}" is already registered`);
    this.#checks.set(name, check);
  }

  names(): string[] {
    return [...this.#checks.keys()];
  }

  async report(): Promise<ReadinessReport> {
    const entries = [...this.#checks];
    const results = await Promise.all(entries.map(([, check]) => run(check, this.#timeoutMs)));
    return aggregate(entries.map(([name], i) => [name, results[i]] as const));
  }
}
