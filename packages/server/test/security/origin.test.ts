import { describe, expect, it } from 'vitest';
import { createTestSyncline } from '../support/fixtures.js';
import { LiveClient } from '../support/live-client.js';
import { upgradeRequest } from './upgrade-request.js';

describe('cross-site WebSocket hijacking: the Origin of an upgrade is checked', () => {
  it('refuses a foreign Origin with 403, opening no socket', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    const refused = await upgradeRequest(port, { origin: 'https://evil.example', cookie: 'syncline_session=stolen' });
    expect(refused.status).toBe(403);
    expect(refused.socket).toBeUndefined();
    await expect(LiveClient.connect(port, { headers: { origin: 'https://evil.example' } })).rejects.toThrow(/403/);
    await expect(LiveClient.connect(port, { headers: { origin: 'null' } })).rejects.toThrow(/403/);
    // Another port on the same host is another origin.
    await expect(LiveClient.connect(port, { headers: { origin: `http://127.0.0.1:${port + 1}` } })).rejects.toThrow(/403/);
    expect(app.stats().connections).toBe(0);
  });

  it("accepts the server's own origin (the Host it was reached at) and an absent Origin", async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    await using sameOrigin = await LiveClient.connect(port, { headers: { origin: `http://127.0.0.1:${port}` } });
    await using program = await LiveClient.connect(port);
    expect((await sameOrigin.request('GET', '/lists')).status).toBe(200);
    expect((await program.request('GET', '/lists')).status).toBe(200);
    expect(app.stats().connections).toBe(2);
  });

  it('accepts the listed origins and refuses the rest', async () => {
    await using app = await createTestSyncline({ origins: ['https://app.example.com', 'http://localhost:5173'] });
    const { port } = await app.listen(0, '127.0.0.1');
    await using listed = await LiveClient.connect(port, { headers: { origin: 'https://app.example.com' } });
    await using dev = await LiveClient.connect(port, { headers: { origin: 'http://localhost:5173' } });
    await using own = await LiveClient.connect(port, { headers: { origin: `http://127.0.0.1:${port}` } });
    expect((await listed.request('GET', '/lists')).status).toBe(200);
    await expect(LiveClient.connect(port, { headers: { origin: 'https://evil.example' } })).rejects.toThrow(/403/);
    await expect(LiveClient.connect(port, { headers: { origin: 'http://app.example.com' } })).rejects.toThrow(/403/);
    expect(app.stats().connections).toBe(3);
  });

  it('* accepts any origin', async () => {
    await using app = await createTestSyncline({ origins: ['*'] });
    const { port } = await app.listen(0, '127.0.0.1');
    await using anyone = await LiveClient.connect(port, { headers: { origin: 'https://anything.example' } });
    expect((await anyone.request('GET', '/lists')).status).toBe(200);
  });
});
