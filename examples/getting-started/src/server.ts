import { createPasswordAuth, createSyncline, type Syncline } from '@syncline/server';
import { createSqliteStorage } from '@syncline/server/sqlite';
import { notes } from './resources.js';

export function createNotesServer(filename = 'notes.db'): Promise<Syncline> {
  return createSyncline({
    resources: [notes],
    storage: createSqliteStorage({ filename }),
    auth: createPasswordAuth(), // POST /users signs up, POST /session signs in
  });
}
