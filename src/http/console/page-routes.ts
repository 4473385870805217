/** What every page's routes of the console are given, and how they read a posted form. */
import type { RequestHandler } from 'express';
import type { Logger } from '../../lib/logger.ts';
import type { ConsoleActions, ConsoleFacts } from './console.port.ts';
import type { AdminSession, SessionStore } from './sessions.ts';
import type { PageChrome } from './views.ts';

export interface PageRoutesOptions {
  readonly facts: ConsoleFacts;
  readonly actions: ConsoleActions;
  readonly readOnly: boolean;
  readonly logger: Logger;
  readonly sessions: SessionStore;
  readonly now: () => number;
  /** requireSession, the form parser and requireCsrf. */
  readonly signedIn: readonly RequestHandler[];
  readonly chrome: (title: string, session: AdminSession) => PageChrome;
}

/** A field of a posted form when it is a string (anything else: undefined). */
export function formField(body: unknown, key: string): string | undefined {
  const v: unknown = body && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' ? v : undefined;
}
