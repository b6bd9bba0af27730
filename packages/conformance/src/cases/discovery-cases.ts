import { discoverySchema, DISCOVERY_PATH, RESERVED_CAPABILITIES } from '@syncline/protocol';
import { check, checkEqual, parseAs, show } from '../check.js';
import type { ConformanceCase } from '../case-runner.js';
import { expectStatus, http } from '../http-probe.js';
import { SocketProbe } from '../socket-probe.js';

/** `GET /_syncline` and `hello` (§12, §2.3). */
export const discoveryCases: readonly ConformanceCase[] = [
  {
    name: 'GET /_syncline answers the protocol range, the live path and the capabilities hello names, none of them reserved',
    section: '§12, §2.3',
    group: 'http',
    async run(context) {
      const answer = await http(context, 'GET', DISCOVERY_PATH);
      expectStatus(answer, 200, `GET ${DISCOVERY_PATH}`);
      check((answer.headers['cache-control'] ?? '').includes('no-cache'), `cache-control is ${show(answer.headers['cache-control'])}`);
      const document = parseAs(discoverySchema, answer.body, `the ${DISCOVERY_PATH} document`);
      checkEqual(document.livePath, context.livePath, 'livePath (the suite\'s --live-path)');
      const reserved = document.capabilities.filter((name) => (RESERVED_CAPABILITIES as readonly string[]).includes(name));
      checkEqual(show(reserved), show([]), 'reserved capabilities offered');
      const socket = await SocketProbe.open(context);
      const hello = await socket.hello();
      checkEqual(show([...hello.capabilities].sort()), show([...document.capabilities].sort()), `the capabilities of hello and of ${DISCOVERY_PATH}`);
      checkEqual(show(hello.protocol), show(document.protocol), `the protocol range of hello and of ${DISCOVERY_PATH}`);
      checkEqual(hello.heartbeatMs, document.heartbeatMs, 'heartbeatMs');
    },
  },
];
