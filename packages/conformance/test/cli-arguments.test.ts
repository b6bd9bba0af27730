import { describe, expect, it } from 'vitest';
import { parseCliArguments } from '../src/cli-arguments.js';

describe('syncline-conformance arguments', () => {
  it('takes the base URL as an origin, with the options it names', () => {
    expect(parseCliArguments(['http://127.0.0.1:3000/', '--only', 'http,event-stream', '--live-path', '/ws', '--wait-ms', '2000'])).toEqual({
      help: false,
      json: false,
      options: { baseUrl: 'http://127.0.0.1:3000', livePath: '/ws', only: ['http', 'event-stream'], waitMs: 2000 },
    });
    expect(parseCliArguments(['--json', 'https://example.test'])).toMatchObject({ json: true, options: { baseUrl: 'https://example.test' } });
  });

  it('refuses a missing or non-HTTP URL, an unknown group and an unknown option', () => {
    expect(() => parseCliArguments([])).toThrow('the base URL is required');
    expect(() => parseCliArguments(['ws://127.0.0.1:3000'])).toThrow('http: or https:');
    expect(() => parseCliArguments(['http://a.test', '--only', 'presence'])).toThrow('unknown group "presence"');
    expect(() => parseCliArguments(['http://a.test', '--fast'])).toThrow('unknown option --fast');
    expect(() => parseCliArguments(['http://a.test', '--wait-ms', '-1'])).toThrow('positive integer');
  });

  it('checks a client with --client, the cases named by --cases', () => {
    expect(parseCliArguments(['--client', 'python3 adapter.py', '--cases', 'resume,heartbeat', '--wait-ms', '3000'])).toEqual({
      help: false,
      json: false,
      client: { command: 'python3 adapter.py', cases: ['resume', 'heartbeat'], waitMs: 3000 },
    });
    expect(() => parseCliArguments(['--client', 'x', 'http://a.test'])).toThrow('not both');
    expect(() => parseCliArguments(['--client', 'x', '--only', 'http'])).toThrow('--cases');
    expect(() => parseCliArguments(['--client', 'x', '--cases', 'resum'])).toThrow('unknown client case "resum"');
    expect(() => parseCliArguments(['--client', ' '])).toThrow('adapter command');
    expect(() => parseCliArguments(['http://a.test', '--cases', 'resume'])).toThrow('with --client');
  });
});
