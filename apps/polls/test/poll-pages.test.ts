import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPoll, FormBrowser, HTML, signUp, startTestApp, voteOverHttp, type Account, type PollJson } from './polls-support.js';

let app: Awaited<ReturnType<typeof startTestApp>>['app'];
let base: string;
let ana: Account;
let bob: Account;

beforeAll(async () => {
  ({ app, base } = await startTestApp());
  [ana, bob] = await Promise.all([signUp(base, 'ana'), signUp(base, 'bob')]);
});
afterAll(() => app.close());

/** A browser without JavaScript, signed in with the account's session cookie. */
function browserOf(account: Account): FormBrowser {
  const browser = new FormBrowser(base);
  const [name = '', value = ''] = account.cookie.split('=');
  browser.cookies.set(name, value);
  return browser;
}

/** The accessible labels of the results chart's bars ("Red: 3 votes"). */
const barLabels = (page: string): string[] => Array.from(page.matchAll(/class="track" role="img" aria-label="([^"]*)"/g), (match) => match[1] ?? '');

describe('the polls JSON API', () => {
  it('creates a poll from answer texts and serves choices as {id, text, votes}', async () => {
    const poll = await createPoll(base, ana.auth, 'Which colour?', ['Red', 'Blue']);
    expect(poll.owner).toBe('ana');
    expect(poll.choices).toEqual([
      { id: '1', text: 'Red', votes: 0 },
      { id: '2', text: 'Blue', votes: 0 },
    ]);
    const read = await fetch(`${base}/polls/${poll.id}`, { headers: bob.auth });
    expect(read.status).toBe(200);
    expect(((await read.json()) as PollJson).choices).toEqual(poll.choices);
    // Every signed-in user sees every poll; anonymous callers none.
    expect((await fetch(`${base}/polls/${poll.id}`)).status).toBe(401);
  });

  it('refuses polls with fewer than two answers, repeated answers, or counts from the client', async () => {
    const post = (body: unknown) => fetch(`${base}/polls`, { method: 'POST', headers: { ...ana.auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post({ question: 'Only one?', choices: ['Yes'] })).status).toBe(422);
    expect((await post({ question: 'Twice?', choices: ['Yes', 'yes'] })).status).toBe(422);
    // Counts a client sends at creation are not kept: every poll starts at zero.
    const created = await post({ question: 'Rigged?', choices: [{ id: 'a', text: 'Yes', votes: 99 }, 'No'] });
    expect(created.status).toBe(201);
    expect(((await created.json()) as PollJson).choices.map((choice) => choice.votes)).toEqual([0, 0]);
  });

  it('lets nobody write the answers or counts, and only the owner edit the question or delete', async () => {
    const poll = await createPoll(base, ana.auth, 'Tea or coffee?', ['Tea', 'Coffee']);
    const patch = (account: Account, body: unknown) =>
      fetch(`${base}/polls/${poll.id}`, { method: 'PATCH', headers: { ...account.auth, 'content-type': 'application/merge-patch+json' }, body: JSON.stringify(body) });
    const rigged = poll.choices.map((choice) => ({ ...choice, votes: 50 }));
    expect((await patch(ana, { choices: rigged })).status).toBe(403);
    expect((await patch(bob, { question: 'Mine now?' })).status).toBe(403);
    const renamed = await patch(ana, { question: 'Tea or coffee, really?' });
    expect(renamed.status).toBe(200);
    expect(((await renamed.json()) as PollJson).choices).toEqual(poll.choices);
    expect((await fetch(`${base}/polls/${poll.id}`, { method: 'DELETE', headers: bob.auth })).status).toBe(403);
    expect((await fetch(`${base}/polls/${poll.id}`, { method: 'DELETE', headers: ana.auth })).status).toBe(204);
  });

  it('counts one vote per user and poll: voting again moves it, the same choice again changes nothing', async () => {
    const poll = await createPoll(base, ana.auth, 'Cats or dogs?', ['Cats', 'Dogs']);
    const vote = async (account: Account, choice: string): Promise<number[]> => {
      const response = await voteOverHttp(base, account.auth, poll.id, choice);
      expect(response.status).toBe(200);
      return ((await response.json()) as PollJson).choices.map((c) => c.votes);
    };
    expect(await vote(ana, '1')).toEqual([1, 0]);
    expect(await vote(bob, '1')).toEqual([2, 0]);
    expect(await vote(bob, '2')).toEqual([1, 1]);
    expect(await vote(bob, '2')).toEqual([1, 1]);
    const unknown = await voteOverHttp(base, ana.auth, poll.id, '7');
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as { errors: { path: string[] }[] }).errors[0]?.path).toEqual(['choice']);
    expect((await voteOverHttp(base, {}, poll.id, '1')).status).toBe(401);
    const read = (await (await fetch(`${base}/polls/${poll.id}`, { headers: ana.auth })).json()) as PollJson;
    expect(read.choices.map((c) => c.votes)).toEqual([1, 1]);
    // Votes are the server's: no URI serves them.
    expect((await fetch(`${base}/votes`, { headers: ana.auth })).status).toBe(404);
  });
});

describe('the polls pages, without JavaScript', () => {
  it('are reachable from the home page’s navigation', async () => {
    const browser = browserOf(ana);
    await browser.get('/');
    expect(browser.page).toMatch(/<nav class="sections" aria-label="Apps"> <a href="\/" aria-current="page">Todos<\/a> <a href="\/polls">Polls<\/a><\/nav>/);
    const [page] = await browser.get('/polls');
    expect(page?.status).toBe(200);
    expect(browser.page).toContain('<a href="/polls" aria-current="page">Polls</a>');
    expect(browser.page).toContain('<h1>Polls</h1>');
  });

  it('create a poll by form, vote by form (303 back to the results), and render the counts', async () => {
    const asAna = browserOf(ana);
    await asAna.get('/polls');
    const [created, shown] = await asAna.post('/polls', { question: 'Best season?', choices: 'Spring\r\nSummer\r\n\r\nAutumn\r\n' });
    expect(created?.status).toBe(303);
    const location = created?.headers.get('location') ?? '';
    expect(location).toMatch(/^\/polls\/[0-9a-f-]{36}$/);
    expect(shown?.status).toBe(200);
    expect(asAna.page).toContain('<h1 id="question">Best season?</h1>');
    expect(barLabels(asAna.page)).toEqual(['Spring: 0 votes', 'Summer: 0 votes', 'Autumn: 0 votes']);

    const [voted] = await asAna.post(`${location}/vote`, { choice: '2' });
    expect(voted?.status).toBe(303);
    expect(voted?.headers.get('location')).toBe(location);
    expect(barLabels(asAna.page)).toEqual(['Spring: 0 votes', 'Summer: 1 vote', 'Autumn: 0 votes']);
    // Her vote is checked on the form, so changing it is one click.
    expect(asAna.page).toMatch(/value="2" checked/);

    const asBob = browserOf(bob);
    await asBob.get(location);
    await asBob.post(`${location}/vote`, { choice: '2' });
    await asBob.post(`${location}/vote`, { choice: '3' });
    expect(barLabels(asBob.page)).toEqual(['Spring: 0 votes', 'Summer: 1 vote', 'Autumn: 1 vote']);
    expect(asBob.page).toContain('<p class="total" id="total">2 votes in all</p>');
    // And the list of polls shows it with its count.
    await asBob.get('/polls');
    expect(asBob.page).toContain('Best season?</a> <small>asked by ana · 2 votes</small>');
  });

  it('answer a refused form with the page again and the reason, keeping what was typed', async () => {
    const browser = browserOf(ana);
    await browser.get('/polls');
    const [refused] = await browser.post('/polls', { question: 'Lonely?', choices: 'Only me' });
    expect(refused?.status).toBe(422);
    expect(browser.page).toContain('class="notice">Choices:');
    expect(browser.page).toContain('value="Lonely?"');
    expect(browser.page).toContain('>Only me</textarea>');

    const poll = await createPoll(base, ana.auth, 'Left or right?', ['Left', 'Right']);
    await browser.get(`/polls/${poll.id}`);
    const [noChoice] = await browser.post(`/polls/${poll.id}/vote`, {});
    expect(noChoice?.status).toBe(422);
    expect(browser.page).toContain('Choose one of the answers, then vote.');
    const [unknown] = await browser.post(`/polls/${poll.id}/vote`, { choice: '9' });
    expect(unknown?.status).toBe(422);
    expect(barLabels(browser.page)).toEqual(['Left: 0 votes', 'Right: 0 votes']);
  });

  it('refuse forms from other sites or without the CSRF token, and send the signed-out to sign in', async () => {
    const poll = await createPoll(base, ana.auth, 'Safe?', ['Yes', 'No']);
    const browser = browserOf(ana);
    await browser.get(`/polls/${poll.id}`);
    expect((await browser.post(`/polls/${poll.id}/vote`, { choice: '1' }, { origin: 'https://evil.example' }))[0]?.status).toBe(403);
    expect((await browser.post(`/polls/${poll.id}/vote`, { choice: '1', _csrf: 'forged' }))[0]?.status).toBe(403);
    expect((await browser.post('/polls', { question: 'Big?', choices: 'x'.repeat(70_000) }))[0]?.status).toBe(413);
    await browser.get(`/polls/${poll.id}`);
    expect((await browser.post(`/polls/${poll.id}/explode`, {}))[0]?.status).toBe(404);
    await browser.get(`/polls/${poll.id}`);
    const [wrongMethod] = await browser.post(`/polls/${poll.id}`, { _method: 'PATCH', question: 'Mine?' });
    expect(wrongMethod?.status).toBe(405);
    expect(wrongMethod?.headers.get('allow')).toBe('DELETE');
    const anonymous = new FormBrowser(base);
    const [toSignIn] = await anonymous.get(`/polls/${poll.id}`);
    expect(toSignIn?.status).toBe(303);
    expect(toSignIn?.headers.get('location')).toBe(`/sign-in?next=${encodeURIComponent(`/polls/${poll.id}`)}`);
    const read = (await (await fetch(`${base}/polls/${poll.id}`, { headers: ana.auth })).json()) as PollJson;
    expect(read.choices.map((c) => c.votes)).toEqual([0, 0]);
  });

  it('keep the JSON API at the same URLs for programs, and a missing poll is a 404 page', async () => {
    const poll = await createPoll(base, ana.auth, 'JSON?', ['Yes', 'No']);
    const json = await fetch(`${base}/polls/${poll.id}`, { headers: { ...ana.auth, accept: '*/*' } });
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(json.headers.get('vary')).toMatch(/Accept/i);
    const page = await fetch(`${base}/polls/${poll.id}`, { headers: { cookie: ana.cookie, accept: HTML } });
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const missing = await fetch(`${base}/polls/no-such-poll`, { headers: { cookie: ana.cookie, accept: HTML } });
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('This poll does not exist, or was deleted.');
  });
});
