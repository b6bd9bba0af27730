import { createPasswordAuth, createSyncline, type Syncline } from '@syncline/server';
import { createSqliteStorage } from '@syncline/server/sqlite';
import { notes } from './resources.js';

export interface RunningServer {
  readonly syncline: Syncline;
  readonly url: string;
}

/** Syncline with the notes, the built-in password sign-in and SQLite, on a free port. */
export async function startServer(filename = ':memory:'): Promise<RunningServer> {
  const syncline = await createSyncline({
    resources: [notes],
    storage: createSqliteStorage({ filename }),
    auth: createPasswordAuth(),
  });
  const { port } = await syncline.listen(0, '127.0.0.1');
  return { syncline, url: `http://127.0.0.1:${port}` };
}
