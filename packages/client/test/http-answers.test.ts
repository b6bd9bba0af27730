import { describe, expect, it } from 'vitest';
import { createHttpTransport } from '../src/index.js';

type Answer = { status: number; type: string; text: string };

/** A transport whose `fetch` answers every request with `answer`, and `GET /_syncline` with `discovery`. */
function transportAnswering(answer: Answer, discovery: Answer = answer) {
  const fetchStub: typeof fetch = async (input) => {
    const { status, type, text } = new URL(String(input)).pathname === '/_syncline' ? discovery : answer;
    return new Response(text, { status, headers: { 'content-type': type } });
  };
  return createHttpTransport({ baseUrl: 'http://localhost:3000', fetch: fetchStub });
}

const codeOf = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  return 'none';
};

describe('HTTP answers, parsed as the socket parses frames', () => {
  it('reads a JSON body, and refuses one that is not JSON, nests too deep or names a prototype key with a SynclineError', async () => {
    const get = (text: string) => transportAnswering({ status: 200, type: 'application/json', text }).request({ method: 'GET', resource: '/todos/1' });
    expect((await get('{"id":"1","title":"Milk"}')).body).toEqual({ id: '1', title: 'Milk' });
    expect(await codeOf(get('{"id":'))).toBe('invalid-json');
    expect(await codeOf(get('['.repeat(65) + ']'.repeat(65)))).toBe('json-too-deep');
    expect(await codeOf(get('{"__proto__":{"admin":true}}'))).toBe('forbidden-key');
  });

  it('takes capabilities only from a discovery document the protocol\'s schema accepts', async () => {
    const document = { protocol: { version: '1.0', min: '1.0', max: '1.0' }, capabilities: ['reconcile'], livePath: '/live', heartbeatMs: 25000 };
    const ok = transportAnswering({ status: 200, type: 'application/json', text: JSON.stringify(document) });
    expect(await ok.capabilities?.()).toEqual(['reconcile']);
    const wrong = transportAnswering({ status: 200, type: 'application/json', text: JSON.stringify({ ...document, livePath: 'live' }) });
    expect(await wrong.capabilities?.()).toBeUndefined();
    const notJson = transportAnswering({ status: 200, type: 'application/json', text: '<html>' });
    expect(await notJson.capabilities?.()).toBeUndefined();
  });
});
