import type { TranscriptFileEntry, TranscriptFileLedger } from '../../src/sync/transcript-file.port.ts';

/** An in-memory transcript ledger (the Redis one's contract: read what was recorded). */
export class FakeTranscriptFileLedger implements TranscriptFileLedger {
  readonly entries = new Map<string, TranscriptFileEntry>();
  read(id: string): Promise<TranscriptFileEntry | undefined> {
    return Promise.resolve(this.entries.get(id));
  }
  record(id: string, e: TranscriptFileEntry): Promise<void> {
    this.entries.set(id, e);
    return Promise.resolve();
  }
}
