import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, postJson, signedInContext, startApp, type RunningApp } from './browser-harness.js';

// A member leaves a shared list from its page, with JavaScript: through the client, and the
// owner's open page shows it live. (Without JavaScript: list-sharing.test.ts.)
const LIVE_MS = 1_000;
const browser: Browser | undefined = await launchChromium();

describe.skipIf(browser === undefined)('leaving a list in Chromium', () => {
  let server: RunningApp;
  beforeAll(async () => {
    server = await startApp();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('takes the member home without the list, and the owner’s open page shows them gone, without reload', { timeout: 30_000 }, async () => {
    const { context: owner, account: olga } = await signedInContext(browser!, server.base, 'olga');
    const { context: member, account: max } = await signedInContext(browser!, server.base, 'max');
    const list = await postJson<{ id: string }>(server.base, olga, '/lists', { title: 'Road trip', members: [max.username] });
    const listUrl = `${server.base}/lists/${encodeURIComponent(list.id)}`;
    const [ownerPage, memberPage] = await Promise.all([owner.newPage(), member.newPage()]);
    for (const page of [ownerPage, memberPage]) {
      await page.goto(listUrl);
      await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 5_000 });
    }
    await ownerPage.getByRole('button', { name: 'Stop sharing with max' }).waitFor();
    await ownerPage.evaluate(() => ((window as unknown as { marker: string }).marker = 'not reloaded'));
    expect(await memberPage.getByRole('button', { name: 'Rename list' }).count()).toBe(0);

    // With JavaScript the form is not posted: the client sends the change over the socket.
    const posted: string[] = [];
    memberPage.on('request', (request) => {
      if (request.method() === 'POST' && request.isNavigationRequest()) posted.push(request.url());
    });
    await memberPage.getByRole('button', { name: 'Leave list' }).click();
    await memberPage.waitForURL(`${server.base}/`);
    await memberPage.getByRole('heading', { level: 1 }).waitFor();
    expect(await memberPage.getByRole('link', { name: 'Road trip' }).count()).toBe(0);
    expect(posted).toEqual([]);
    await ownerPage.getByText('Nobody yet.').waitFor({ timeout: LIVE_MS });
    expect(await ownerPage.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe('not reloaded');
    await Promise.all([owner.close(), member.close()]);
  });
});
