/** What {@link closeOnSignals} needs of a server: `Syncline` has it. */
export interface Closable {
  close(): Promise<void>;
}

/**
 * Closes the server gracefully on SIGTERM and SIGINT, once (running operations answer, then
 * sockets close with 1001: `close()`), then exits the process: 0, or 1 when closing failed
 * (reported to `report`). A second signal while closing changes nothing.
 *
 * @example
 * const syncline = await createSyncline({ resources, storage });
 * await syncline.listen(3000);
 * closeOnSignals(syncline);
 */
export function closeOnSignals(server: Closable, report: (error: unknown, where: string) => void = (error) => console.error('[syncline] close:', error)): void {
  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        report(error, 'close');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
