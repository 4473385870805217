/** One problem found in configuration: where it is and what was expected. Never carries a secret value. */
export interface ConfigProblem {
  /** Environment variable name, or the key path inside a file (e.g. `users."62288320001".email`). */
  readonly where: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

/** Thrown at start-up when the environment or the mapping file is wrong; lists every problem at once. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly source: string;
  readonly problems: readonly ConfigProblem[];

  constructor(source: string, problems: readonly ConfigProblem[]) {
    const n = problems.length;
    const lines = problems.map((p) => {
      const at = p.line !== undefined ? `line ${p.line}, column ${p.column ?? 1}: ` : '';
      return `  - ${at}${p.where}: ${p.message}`;
    });
    super(`${source} has ${n} problem${n === 1 ? '' : 's'}:\n${lines.join('\n')}`);
    this.source = source;
    this.problems = problems;
  }
}
