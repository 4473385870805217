import { loadConfig } from '../config/load-config.ts';
import { createLogger, type Logger } from '../lib/logger.ts';
import { startService, type ServiceRoles } from '../app/service.ts';
import { liveMapping } from '../config/mapping-watcher.ts';
import type { Command, CommandContext } from './command.ts';
import { onStop, type StopReason } from './signals.ts';

export function loggerFor(ctx: CommandContext, level: string, format: 'auto' | 'json' | 'pretty'): Logger {
  return createLogger({
    level: level as 'info',
    format: format === 'auto' ? ((ctx.out as NodeJS.WriteStream).isTTY ? 'pretty' : 'json') : format,
    stream: ctx.out,
  });
}

function roleCommand(name: string, summary: string, roles: ServiceRoles): Command {
  return {
    name,
    summary,
    usage: `ringsense-sync ${name}`,
    async run(ctx) {
      const cfg = loadConfig(ctx.env, { ringcentral: true, salesforce: roles.work, mapping: true, http: true }, ctx.cwd);
      const logger = loggerFor(ctx, cfg.log.level, cfg.log.format);
      const initial = cfg.mapping!;
      logger.info('starting', { roles: Object.entries(roles).filter(([, on]) => on).map(([r]) => r), mappingFile: cfg.mappingFile, users: Object.keys(initial.mapping.users).length });
      if (initial.empty) logger.warn('mapping_empty', { file: cfg.mappingFile, detail: 'the mapping file has no settings (empty or only comments): every default applies and no user is mapped' });
      // The admin edits the mapping file (or the console does): a valid change takes effect without a restart
      // (swapped whole), an invalid one is refused with the full error and the old mapping stays in force.
      const mapping = liveMapping(cfg.mappingFile, initial, { logger });
      // Listening from before the start: a signal while the service starts stops it once started (left alone, Node
      // would end at once), and a second one during the shutdown (npm run forwards the Ctrl-C the terminal also
      // sent) cannot cut it short.
      let stopRequested!: (reason: StopReason) => void;
      const stopping = new Promise<StopReason>((resolve) => (stopRequested = resolve));
      const offStop = onStop((reason) => stopRequested(reason));
      try {
        const service = await startService(cfg, mapping.current, roles, logger);
        const signal = await stopping;
        logger.info('signal_received', { signal });
        await service.stop();
      } finally {
        offStop();
        mapping.close();
      }
      return 0;
    },
  };
}

export const startCommand = roleCommand('start', 'Run the listener and the worker in one process (the usual way)', { listen: true, work: true });
export const listenCommand = roleCommand('listen', 'Run only the RingCentral listener (enqueues events; scale workers separately)', { listen: true, work: false });
export const workCommand = roleCommand('work', 'Run only a worker (processes the queue into Salesforce)', { listen: false, work: true });
