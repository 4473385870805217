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

/** Why a command is asked to stop: a stop signal, or `output_closed` (stdout's reader went away: `demo | head`). */
export type StopReason = NodeJS.Signals | 'output_closed';

const outputClosedListeners = new Set<() => void>();

/**
 * Calls `listener` on every stop signal (and, with `outputClosed`, when stdout's reader goes away) until the returned
 * function is called. The signals stay handled meanwhile, so a repeated one (`npm run` forwards the Ctrl-C the
 * terminal also sent) cannot end the process half-way through its clean-up.
 */
export function onStop(listener: (reason: StopReason) => void, opts: { outputClosed?: boolean } = {}): () => void {
  const onSignal = (s: NodeJS.Signals): void => listener(s);
  const onOutputClosed = (): void => listener('output_closed');
  for (const sig of STOP_SIGNALS) process.on(sig, onSignal);
  if (opts.outputClosed) outputClosedListeners.add(onOutputClosed);
  return () => {
    for (const sig of STOP_SIGNALS) process.off(sig, onSignal);
    outputClosedListeners.delete(onOutputClosed);
  };
}

/** For the CLI's entry point, when stdout fails with EPIPE: tells the commands listening; false when none is. */
export function notifyOutputClosed(): boolean {
  for (const l of outputClosedListeners) l();
  return outputClosedListeners.size > 0;
}
