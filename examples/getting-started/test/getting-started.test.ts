import type { SynclineClient } from '@syncline/client';
import type { Syncline } from '@syncline/server';
import { afterEach, describe, expect, it } from 'vitest';
import { notes } from '../src/resources.js';
import { createNotesServer } from '../src/server.js';
import { signIn, signUp } from '../src/sign-in.js';

// The README's "Getting started" runs here as written (readme-snippets.test.ts checks that it is).
describe('Getting started', () => {
  const open: Array<Syncline | SynclineClient> = [];
  afterEach(async () => {
    for (const each of open.splice(0).reverse()) await each.close();
  });

  it('a signed-in client sees a note shared with it arrive live, and never another user\'s own', async () => {
    const syncline = await createNotesServer(':memory:');
    open.push(syncline);
    const { port } = await syncline.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${port}`;
    const seen: string[][] = [];
    const render = (list: readonly { text: string }[]): void => void seen.push(list.map((note) => note.text));

    await signUp(url, 'ana', 'correct horse');
    await signUp(url, 'ben', 'battery staple');
    const ana = await signIn(url, 'ana', 'correct horse');
    const ben = await signIn(url, 'ben', 'battery staple');
    const mine = ana.resource(notes).liveQuery({ order: '-createdAt' }); // newest first
    mine.subscribe(() => render(mine.getSnapshot()));
    await mine.ready;
    await ben.resource(notes).create({ text: 'Just for me' });                        // never reaches Ana
    await ben.resource(notes).create({ text: 'Lunch at noon?', sharedWith: ['ana'] }); // shows in Ana's view
    open.push(ana, ben);

    await expect.poll(() => seen.at(-1)).toEqual(['Lunch at noon?']);
    expect(seen.flat()).not.toContain('Just for me');
    const shared = mine.getSnapshot()[0];
    expect(shared?.owner).toBe('ben');
    // Shared to read, not to change: only the owner updates.
    await expect(ana.resource(notes).patch(shared?.id ?? '', { text: 'Noon is fine' })).rejects.toMatchObject({ code: 'forbidden' });
    // Taken out of the sharing, the note leaves Ana's view.
    await ben.resource(notes).patch(shared?.id ?? '', { sharedWith: [] });
    await expect.poll(() => seen.at(-1)).toEqual([]);
    // Anonymous callers are refused.
    expect((await fetch(`${url}/notes`)).status).toBe(401);
    mine.close();
  });

  it('refuses a wrong password at sign-in', async () => {
    const syncline = await createNotesServer(':memory:');
    open.push(syncline);
    const { port } = await syncline.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${port}`;
    await signUp(url, 'ana', 'correct horse');
    await expect(signIn(url, 'ana', 'wrong horse')).rejects.toMatchObject({ code: 'unauthenticated', status: 401 });
  });
});
