import type { ConformanceOptions } from './run-conformance.js';

export const USAGE = `Usage: syncline-conformance <base-url> [options]

Checks the server at <base-url> (http://host:port) against the Syncline protocol.
The server must serve the fixture resource /conformance-items (see the README).
Cases of capabilities the server does not offer (GET /_syncline) are skipped.
Exits 0 when no case fails, 1 when one fails, 2 on a usage error.

Options:
  --live-path <path>   the WebSocket path (default /live)
  --only <groups>      comma-separated: http, socket, event-stream (default all)
  --wait-ms <ms>       how long to wait for one answer or event (default 5000)
  --json               print the report as JSON instead of lines
  --help               show this text`;

export type CliArguments = { readonly help: true } | { readonly help: false; readonly json: boolean; readonly options: ConformanceOptions };

const GROUPS = ['http', 'socket', 'event-stream'] as const;

/** Reads the command line; throws an `Error` whose message is the usage problem. */
export function parseCliArguments(argv: readonly string[]): CliArguments {
  let baseUrl: string | undefined;
  let livePath: string | undefined;
  let only: Array<(typeof GROUPS)[number]> | undefined;
  let waitMs: number | undefined;
  let json = false;
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
  if (baseUrl === undefined) throw new Error('the base URL is required');
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
