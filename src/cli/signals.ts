/** How long-running commands (start, listen, work, simulate) learn it is time to stop. */
/**
 * The signals that stop a command gracefully: SIGTERM (docker stop, Kubernetes, systemd), SIGINT (Ctrl-C) and
 * SIGHUP (the terminal or SSH session closed; left alone, Node would exit at once, mid-write, subscription held).
 */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Resolves on the first of the stop signals. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (s: NodeJS.Signals) => {
      for (const sig of STOP_SIGNALS) process.off(sig, on);
      resolve(s);
    };
    for (const sig of STOP_SIGNALS) process.on(sig, on);
  });
}
