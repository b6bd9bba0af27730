import type { ClientConformanceOptions } from './client/run-client-conformance.js';
import { clientCases } from './client/client-cases.js';
import type { ConformanceOptions } from './run-conformance.js';

export const USAGE = `Usage: syncline-conformance <base-url> [options]
       syncline-conformance --client "<adapter command>" [options]

Checks the server at <base-url> (http://host:port) against the Syncline protocol.
The server must serve the fixture resource /conformance-items (see the README).
Cases of capabilities the server does not offer (GET /_syncline) are skipped.
With --client, checks a client instead: a scripted server plays the protocol to the
adapter command, run once per case (see "Checking a client" in the README).
Exits 0 when no case fails, 1 when one fails, 2 on a usage error.

Options:
  --live-path <path>   the WebSocket path (default /live; servers only)
  --only <groups>      comma-separated: http, socket, event-stream (default all; servers only)
  --cases <names>      comma-separated client cases (default all; with --client)
  --wait-ms <ms>       how long to wait for one answer or event (default 5000)
  --json               print the report as JSON instead of lines
  --help               show this text`;

export type CliArguments =
  | { readonly help: true }
  | { readonly help: false; readonly json: boolean; readonly options: ConformanceOptions }
  | { readonly help: false; readonly json: boolean; readonly client: Omit<ClientConformanceOptions, 'onResult'> };

const GROUPS = ['http', 'socket', 'event-stream'] as const;

/** Reads the command line; throws an `Error` whose message is the usage problem. */
export function parseCliArguments(argv: readonly string[]): CliArguments {
  let baseUrl: string | undefined;
  let livePath: string | undefined;
  let only: Array<(typeof GROUPS)[number]> | undefined;
  let waitMs: number | undefined;
  let json = false;
  let command: string | undefined;
  let cases: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i] ?? '';
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${argument} needs a value`);
      return next;
    };
    if (argument === '--help' || argument === '-h') return { help: true };
    else if (argument === '--json') json = true;
    else if (argument === '--live-path') livePath = value();
    else if (argument === '--client') {
      command = value();
      if (command.trim() === '') throw new Error('--client takes the adapter command');
    } else if (argument === '--cases') {
      cases = value().split(',').map((name) => {
        const known = clientCases.find((entry) => entry.id === name.trim());
        if (known === undefined) throw new Error(`unknown client case "${name}": use ${clientCases.map((entry) => entry.id).join(', ')}`);
        return known.id;
      });
    }
    else if (argument === '--wait-ms') {
      waitMs = Number(value());
      if (!Number.isSafeInteger(waitMs) || waitMs <= 0) throw new Error('--wait-ms takes a positive integer');
    } else if (argument === '--only') {
      only = value().split(',').map((group) => {
        const known = GROUPS.find((name) => name === group.trim());
        if (known === undefined) throw new Error(`unknown group "${group}": use ${GROUPS.join(', ')}`);
        return known;
      });
    } else if (argument.startsWith('-')) throw new Error(`unknown option ${argument}`);
    else if (baseUrl === undefined) baseUrl = argument;
    else throw new Error(`unexpected argument ${argument}`);
  }
  if (command !== undefined) {
    if (baseUrl !== undefined) throw new Error('give either a base URL (a server) or --client (a client), not both');
    if (livePath !== undefined || only !== undefined) throw new Error('--live-path and --only check servers; with --client, use --cases');
    return { help: false, json, client: { command, ...(cases === undefined ? {} : { cases }), ...(waitMs === undefined ? {} : { waitMs }) } };
  }
  if (cases !== undefined) throw new Error('--cases selects client cases: use it with --client');
  if (baseUrl === undefined) throw new Error('the base URL is required (or --client "<adapter command>")');
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`"${baseUrl}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('the base URL must be http: or https:');
  return {
    help: false,
    json,
    options: { baseUrl: url.origin, ...(livePath === undefined ? {} : { livePath }), ...(only === undefined ? {} : { only }), ...(waitMs === undefined ? {} : { waitMs }) },
  };
}
