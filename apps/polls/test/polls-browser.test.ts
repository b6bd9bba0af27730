import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, postJson, signedInContext, startApp, type RunningApp } from '../../todo/test/browser-harness.js';

// Another browser's vote must show without reload, within two seconds even on a busy test
// machine: every wait below is Playwright's auto-waiting with this timeout, never a fixed sleep.
const LIVE_MS = 2_000;
const SCREENSHOT = fileURLToPath(new URL('../test-results/polls.png', import.meta.url));
const browser: Browser | undefined = await launchChromium();

/** The bar of one answer, found by its accessible label ("Red: 2 votes"). */
const bar = (page: Page, label: string) => page.getByRole('img', { name: label, exact: true });
const waitForLive = (page: Page) => page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 5_000 });

/** Votes for an answer with the page's vote form. */
async function vote(page: Page, answer: string): Promise<void> {
  await page.getByRole('radio', { name: answer, exact: true }).check();
  await page.getByRole('button', { name: 'Vote', exact: true }).click();
}

/** Marks the page's window, so a reload (which would drop the mark) can be told apart from a live update. */
const markWindow = (page: Page) => page.evaluate(() => Object.assign(window, { notReloaded: true }));
const stillSameWindow = (page: Page) => page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded === true);

describe.skipIf(browser === undefined)('the polls app in Chromium', () => {
  let server: RunningApp;
  beforeAll(async () => {
    server = await startApp();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('moves the chart in every open browser as people vote, and the vote form works without JavaScript', { timeout: 60_000 }, async () => {
    const [ana, bob, carol] = await Promise.all([
      signedInContext(browser!, server.base, 'ana'),
      signedInContext(browser!, server.base, 'bob'),
      signedInContext(browser!, server.base, 'carol', { javaScriptEnabled: false }),
    ]);
    // Bob watches the list of polls; Ana asks a question from the home page's navigation, with the creation form.
    const pageB = await bob.context.newPage();
    await pageB.goto(`${server.base}/polls`);
    await waitForLive(pageB);
    const pageA = await ana.context.newPage();
    await pageA.goto(server.base);
    await pageA.getByRole('navigation', { name: 'Apps' }).getByRole('link', { name: 'Polls' }).click();
    await pageA.getByLabel('Question').fill('Which colour for the logo?');
    await pageA.getByLabel('Choices, one per line').fill('Red\nBlue\nGreen');
    await pageA.getByRole('button', { name: 'Create poll' }).click();
    await pageA.getByRole('heading', { name: 'Which colour for the logo?' }).waitFor();
    const pollUrl = pageA.url();
    // The new poll shows in Bob's list without reload; he follows it.
    const link = pageB.getByRole('link', { name: 'Which colour for the logo?' });
    await link.waitFor({ timeout: LIVE_MS });
    await link.click();
    await pageB.waitForURL(pollUrl);
    for (const page of [pageA, pageB]) {
      await waitForLive(page);
      await markWindow(page);
    }

    await vote(pageA, 'Red');
    for (const page of [pageA, pageB]) await bar(page, 'Red: 1 vote').waitFor({ timeout: LIVE_MS });
    await vote(pageB, 'Blue');
    for (const page of [pageA, pageB]) await bar(page, 'Blue: 1 vote').waitFor({ timeout: LIVE_MS });
    // Bob changes his mind: his vote moves, it does not count twice.
    await vote(pageB, 'Red');
    for (const page of [pageA, pageB]) {
      await bar(page, 'Red: 2 votes').waitFor({ timeout: LIVE_MS });
      await bar(page, 'Blue: 0 votes').waitFor({ timeout: LIVE_MS });
      await page.getByText('2 votes in all').waitFor({ timeout: LIVE_MS });
    }

    // Carol has no JavaScript: the form posts, the server answers 303, her browser shows the results page.
    const pageC = await carol.context.newPage();
    await pageC.goto(pollUrl);
    await vote(pageC, 'Green');
    await pageC.waitForURL(pollUrl);
    await bar(pageC, 'Green: 1 vote').waitFor();
    expect(await pageC.getByRole('radio', { name: 'Green', exact: true }).isChecked()).toBe(true);
    // ...and the others see her vote live.
    for (const page of [pageA, pageB]) await bar(page, 'Green: 1 vote').waitFor({ timeout: LIVE_MS });

    expect(await stillSameWindow(pageA)).toBe(true);
    expect(await stillSameWindow(pageB)).toBe(true);
    // The bars' widths are the answers' shares.
    expect(await bar(pageA, 'Red: 2 votes').locator('.bar').getAttribute('style')).toBe('width: 66.7%');

    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await pageA.screenshot({ path: SCREENSHOT, fullPage: true });

    // Ana deletes her poll (a plain form: 303 to the list); Bob's page says so at once, and offers no vote form.
    await pageA.getByRole('button', { name: 'Delete poll' }).click();
    await pageA.waitForURL(`${server.base}/polls`);
    await pageB.getByText('This poll does not exist, or was deleted.').waitFor({ timeout: LIVE_MS });
    expect(await pageB.getByRole('button', { name: 'Vote', exact: true }).count()).toBe(0);
    await Promise.all([ana.context.close(), bob.context.close(), carol.context.close()]);
  });

  it('sends a poll page whose session ended (signed out elsewhere) to sign in, and back to the poll after', { timeout: 30_000 }, async () => {
    const { context, account } = await signedInContext(browser!, server.base, 'dora');
    const poll = await postJson<{ id: string }>(server.base, account, '/polls', { question: 'Still there?', choices: ['Yes', 'No'] });
    const page = await context.newPage();
    await page.goto(`${server.base}/polls/${poll.id}`);
    await waitForLive(page);
    // The same session signed out by a program holding its token.
    expect((await fetch(`${server.base}/session`, { method: 'DELETE', headers: account.auth })).status).toBe(204);
    await page.waitForURL(`${server.base}/sign-in?next=${encodeURIComponent(`/polls/${poll.id}`)}`, { timeout: 5_000 });
    await page.getByLabel('Username').fill('dora');
    await page.getByLabel('Password').fill('correct horse');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${server.base}/polls/${poll.id}`);
    await page.getByRole('heading', { name: 'Still there?' }).waitFor();
    await context.close();
  });
});
