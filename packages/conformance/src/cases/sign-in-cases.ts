import { CLOSE_CODES, SESSION_PATH, sessionInfoSchema, signedInSchema, signedUpSchema, SUBPROTOCOL, USERS_PATH, type Credentials } from '@syncline/protocol';
import { check, checkEqual, parseAs, show } from '../check.js';
import type { ConformanceCase } from '../case-runner.js';
import { expectProblem, expectStatus, http } from '../http-probe.js';
import { SocketProbe } from '../socket-probe.js';

/** The built-in sign-in (§4.6), when the server offers `sign-in`. */
export const signInCases: readonly ConformanceCase[] = [
  {
    name: 'sign-up answers 201 {id, username}; a wrong password and an unknown user are the same 401; sign-in answers a token that signs in HTTP requests and the socket; sign-out closes the socket with 4401',
    section: '§4.6, §1',
    group: 'http',
    needs: 'sign-in',
    async run(context) {
      // One account per run (sign-ups per address are limited, §4.6): a name no other run takes.
      const credentials: Credentials = { username: `c${context.tag}`.toLowerCase().slice(0, 32), password: `conformance ${context.tag}` };
      const signUp = await http(context, 'POST', USERS_PATH, { body: credentials });
      expectStatus(signUp, 201, `POST ${USERS_PATH}`);
      const account = parseAs(signedUpSchema, signUp.body, `the ${USERS_PATH} answer`);
      checkEqual(account.username, credentials.username, 'the username signed up');
      checkEqual(signUp.headers['location'], `${USERS_PATH}/${account.id}`, 'Location');

      const wrong = await http(context, 'POST', SESSION_PATH, { body: { ...credentials, password: `${credentials.password} wrong` } });
      const unknown = await http(context, 'POST', SESSION_PATH, { body: { ...credentials, username: `${credentials.username.slice(0, 30)}-x` } });
      const wrongProblem = expectProblem(wrong, 401, 'unauthenticated', 'a wrong password');
      const unknownProblem = expectProblem(unknown, 401, 'unauthenticated', 'an unknown user');
      checkEqual(show({ ...unknownProblem, instance: undefined }), show({ ...wrongProblem, instance: undefined }), 'the bodies of a wrong password and an unknown user');

      const signIn = await http(context, 'POST', SESSION_PATH, { body: credentials });
      expectStatus(signIn, 201, `POST ${SESSION_PATH}`);
      const session = parseAs(signedInSchema, signIn.body, `the ${SESSION_PATH} answer`);
      checkEqual(session.user.id, account.id, 'the user signed in');
      check(session.expiresAt > Date.now(), `expiresAt ${session.expiresAt} is not in the future`);
      check((signIn.headers['set-cookie'] ?? '').includes(session.token), `Set-Cookie does not carry the token: ${show(signIn.headers['set-cookie'])}`);
      const bearer = { authorization: `Bearer ${session.token}` };

      const who = await http(context, 'GET', SESSION_PATH, { headers: bearer });
      expectStatus(who, 200, `GET ${SESSION_PATH} with the bearer token`);
      checkEqual(parseAs(sessionInfoSchema, who.body, `the ${SESSION_PATH} answer`).user.id, account.id, 'the user the token signs in');

      // `/users/<id>` is served to signed-in callers only (§4.6): 200 shows who the request is.
      const accountUri = `${USERS_PATH}/${account.id}`;
      expectProblem(await http(context, 'GET', accountUri), 401, 'unauthenticated', `GET ${accountUri} without the token`);
      expectStatus(await http(context, 'GET', accountUri, { headers: bearer }), 200, `GET ${accountUri} with the bearer token`);
      const socket = await SocketProbe.open(context, [SUBPROTOCOL], bearer);
      checkEqual((await socket.request('GET', accountUri, { id: 'me' })).status, 200, `GET ${accountUri} on a socket opened with the bearer token`);
      const signOut = await http(context, 'DELETE', SESSION_PATH, { headers: bearer });
      expectStatus(signOut, 204, `DELETE ${SESSION_PATH}`);
      checkEqual((await socket.waitClosed('the close of the signed-out session\'s socket')).code, CLOSE_CODES.sessionEnded, 'the close code of the session\'s socket');
      expectProblem(await http(context, 'GET', SESSION_PATH, { headers: bearer }), 401, 'unauthenticated', `GET ${SESSION_PATH} with the ended session's token`);
    },
  },
  {
    name: 'an Authorization header that is no valid bearer token makes the request anonymous: GET /session is 401',
    section: '§4.6',
    group: 'http',
    needs: 'sign-in',
    async run(context) {
      for (const authorization of ['Bearer not-a-token', 'Basic YW5hOnNlY3JldA==', '']) {
        expectProblem(await http(context, 'GET', SESSION_PATH, { headers: { authorization } }), 401, 'unauthenticated', `GET ${SESSION_PATH} with Authorization: ${show(authorization)}`);
      }
    },
  },
];
