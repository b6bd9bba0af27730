import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, launchChromium, postJson, startApp, type RunningApp } from './browser-harness.js';
import { signUp, type Account } from './session-support.js';

// The pages' Content-Security-Policy must not break them: in Chromium, the TODO and polls
// pages load their scripts, open their live connection and render, with no CSP violation.

const browser: Browser | undefined = await launchChromium();

/** Every CSP violation the page reports (securitypolicyviolation events and console errors). */
async function recordViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => (window as unknown as { reportViolation(text: string): void }).reportViolation(`${event.violatedDirective} ${event.blockedURI}`));
  });
  return violations;
}

describe.skipIf(browser === undefined)('the pages under their Content-Security-Policy', () => {
  let server: RunningApp;
  let ana: Account;
  beforeAll(async () => {
    server = await startApp();
    ana = await signUp(server.base, 'ana');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('a list page and the polls page run their scripts and go live, with no violation', { timeout: 30_000 }, async () => {
    const list = await postJson<{ id: string }>(server.base, ana, '/lists', { title: 'Groceries' });
    await postJson(server.base, ana, '/polls', { question: 'Tea?', choices: ['Yes', 'No'] });
    const context = await contextFor(browser!, server.base, ana);
    const page = await context.newPage();
    const violations = await recordViolations(page);
    await page.goto(`${server.base}/lists/${list.id}`);
    // The script ran: it subscribed, and a todo added by another program shows without reload.
    await postJson(server.base, ana, '/todos', { title: 'Milk', list: list.id });
    await page.waitForFunction(() => Array.from(document.querySelectorAll('#todos li.todo label'), (l) => l.textContent).includes('Milk'), undefined, { timeout: 5_000 });
    await page.goto(`${server.base}/polls`);
    await page.waitForLoadState('networkidle');
    expect(await page.content()).toContain('Tea?');
    expect(violations).toEqual([]);
    await context.close();
  });
});
