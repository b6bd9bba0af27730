import { check, checkEqual, show } from '../check.js';
import type { ConformanceCase } from '../case-runner.js';
import { expectProblem, expectStatus, http } from '../http-probe.js';
import { asItem, asPage, COLLECTION, createItem, recordEtag, titled } from './items.js';

/** The resource semantics over HTTP (§4). */
export const httpCases: readonly ConformanceCase[] = [
  {
    name: 'POST on a collection creates a record: 201 with Location, ETag and the record',
    section: '§4.2, §4.3',
    group: 'http',
    async run(context) {
      const answer = await http(context, 'POST', COLLECTION, { body: { title: `create ${context.tag}` } });
      expectStatus(answer, 201, `POST ${COLLECTION}`);
      check((answer.headers['content-type'] ?? '').startsWith('application/json'), `content-type is not application/json: ${show(answer.headers['content-type'])}`);
      const item = asItem(answer.body, 'the created record');
      checkEqual(item.title, `create ${context.tag}`, 'title');
      checkEqual(item.done, false, 'done (its default)');
      checkEqual(answer.headers['location'], `${COLLECTION}/${item.id}`, 'Location');
      checkEqual(answer.headers['etag'], recordEtag(item.version), 'ETag (the record\'s "<version>")');
      check(answer.headers['syncline-seq'] === undefined, 'a write answer carries Syncline-Seq; its version is its position');
    },
  },
  {
    name: 'GET of a record answers its ETag, Cache-Control: no-cache and the position it reflects',
    section: '§4.2, §4.3',
    group: 'http',
    async run(context) {
      const item = await createItem(context, `get ${context.tag}`);
      const answer = await http(context, 'GET', `${COLLECTION}/${item.id}`);
      expectStatus(answer, 200, 'GET of the record');
      checkEqual(answer.headers['etag'], recordEtag(item.version), 'ETag');
      check((answer.headers['cache-control'] ?? '').includes('no-cache'), `Cache-Control has no no-cache: ${show(answer.headers['cache-control'])}`);
      const seq = Number(answer.headers['syncline-seq']);
      check(Number.isSafeInteger(seq) && seq >= item.version, `Syncline-Seq ${show(answer.headers['syncline-seq'])} is not a position at or after the record's version ${item.version}`);
      checkEqual(JSON.stringify(answer.body), JSON.stringify(item), 'the record read back');
    },
  },
  {
    name: 'GET with a matching If-None-Match answers 304 with ETag and Syncline-Seq and no body',
    section: '§4.3',
    group: 'http',
    async run(context) {
      const item = await createItem(context, `304 ${context.tag}`);
      const answer = await http(context, 'GET', `${COLLECTION}/${item.id}`, { headers: { 'if-none-match': recordEtag(item.version) } });
      expectStatus(answer, 304, 'GET with If-None-Match of the current ETag');
      checkEqual(answer.text, '', 'the 304 body');
      checkEqual(answer.headers['etag'], recordEtag(item.version), 'ETag of the 304');
      check(answer.headers['syncline-seq'] !== undefined, 'the 304 has no Syncline-Seq');
      const weak = await http(context, 'GET', `${COLLECTION}/${item.id}`, { headers: { 'if-none-match': `W/${recordEtag(item.version)}` } });
      expectStatus(weak, 304, 'GET with the weak form of the ETag (If-None-Match compares weakly)');
      const other = await http(context, 'GET', `${COLLECTION}/${item.id}`, { headers: { 'if-none-match': recordEtag(item.version + 1000) } });
      expectStatus(other, 200, 'GET with If-None-Match of another ETag');
    },
  },
  {
    name: 'PATCH with the current If-Match applies a merge patch; a stale one is 412 with the current ETag',
    section: '§4.3, §4.4',
    group: 'http',
    async run(context) {
      const item = await createItem(context, `patch ${context.tag}`);
      const uri = `${COLLECTION}/${item.id}`;
      const merge = { 'content-type': 'application/merge-patch+json' };
      const ok = await http(context, 'PATCH', uri, { headers: { ...merge, 'if-match': recordEtag(item.version) }, body: { done: true } });
      expectStatus(ok, 200, 'PATCH with the current If-Match');
      const patched = asItem(ok.body, 'the patched record');
      checkEqual(patched.done, true, 'done after the patch');
      checkEqual(patched.title, item.title, 'title, which the patch left alone');
      check(patched.version > item.version, `the version did not grow: ${item.version} then ${patched.version}`);
      checkEqual(ok.headers['etag'], recordEtag(patched.version), 'ETag after the patch');
      const stale = await http(context, 'PATCH', uri, { headers: { ...merge, 'if-match': recordEtag(item.version) }, body: { done: false } });
      expectProblem(stale, 412, 'precondition-failed', 'PATCH with a stale If-Match');
      checkEqual(stale.headers['etag'], recordEtag(patched.version), 'the 412\'s current ETag');
      const after = await http(context, 'GET', uri);
      checkEqual(asItem(after.body, 'the record after the refused patch').done, true, 'done after the refused patch');
    },
  },
  {
    name: 'PUT with a stale If-Match is 412 problem+json and changes nothing; If-None-Match: * on an existing record is 412',
    section: '§4.2, §4.3',
    group: 'http',
    async run(context) {
      const item = await createItem(context, `put ${context.tag}`);
      const uri = `${COLLECTION}/${item.id}`;
      const replaced = await http(context, 'PUT', uri, { headers: { 'if-match': recordEtag(item.version) }, body: { title: `put2 ${context.tag}`, done: true } });
      expectStatus(replaced, 200, 'PUT with the current If-Match');
      const stale = await http(context, 'PUT', uri, { headers: { 'if-match': recordEtag(item.version) }, body: { title: 'lost', done: false } });
      expectProblem(stale, 412, 'precondition-failed', 'PUT with a stale If-Match');
      const exists = await http(context, 'PUT', uri, { headers: { 'if-none-match': '*' }, body: { title: 'again', done: false } });
      expectProblem(exists, 412, 'precondition-failed', 'PUT with If-None-Match: * on an existing record');
      const after = asItem((await http(context, 'GET', uri)).body, 'the record after the refused writes');
      checkEqual(after.title, `put2 ${context.tag}`, 'title after the refused writes');
    },
  },
  {
    name: 'PUT of a new id creates the record with the client\'s id: 201 with Location',
    section: '§4.2',
    group: 'http',
    async run(context) {
      const id = `put-${context.tag}`;
      const answer = await http(context, 'PUT', `${COLLECTION}/${id}`, { headers: { 'if-none-match': '*' }, body: { title: 'mine' } });
      expectStatus(answer, 201, 'PUT of a new id');
      checkEqual(asItem(answer.body, 'the created record').id, id, 'id');
      checkEqual(answer.headers['location'], `${COLLECTION}/${id}`, 'Location');
    },
  },
  {
    name: 'HEAD answers the headers of GET without a body; OPTIONS answers 204 with Allow and Accept-Patch or Accept-Post',
    section: '§4.2',
    group: 'http',
    async run(context) {
      const item = await createItem(context, `head ${context.tag}`);
      const uri = `${COLLECTION}/${item.id}`;
      const head = await http(context, 'HEAD', uri);
      expectStatus(head, 200, 'HEAD of the record');
      checkEqual(head.text, '', 'the HEAD body');
      checkEqual(head.headers['etag'], recordEtag(item.version), 'the HEAD ETag');
      check(head.headers['syncline-seq'] !== undefined, 'HEAD has no Syncline-Seq');
      const record = await http(context, 'OPTIONS', uri);
      expectStatus(record, 204, 'OPTIONS of a record');
      const allow = (record.headers['allow'] ?? '').split(',').map((method) => method.trim());
      for (const method of ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) check(allow.includes(method), `the record's Allow lacks ${method}: ${show(record.headers['allow'])}`);
      check((record.headers['accept-patch'] ?? '').includes('application/merge-patch+json'), `Accept-Patch lacks merge patch: ${show(record.headers['accept-patch'])}`);
      const collection = await http(context, 'OPTIONS', COLLECTION);
      expectStatus(collection, 204, 'OPTIONS of the collection');
      check((collection.headers['allow'] ?? '').includes('POST'), `the collection's Allow lacks POST: ${show(collection.headers['allow'])}`);
      check(collection.headers['accept-post'] !== undefined, 'the collection answers no Accept-Post');
    },
  },
  {
    name: 'PATCH with a content type that is not a patch format is 415 with Accept-Patch, and changes nothing',
    section: '§4.4',
    group: 'http',
    async run(context) {
      const item = await createItem(context, `415 ${context.tag}`);
      const uri = `${COLLECTION}/${item.id}`;
      const answer = await http(context, 'PATCH', uri, { body: { done: true } });
      expectProblem(answer, 415, 'unsupported-media-type', 'PATCH with application/json');
      check(answer.headers['accept-patch'] !== undefined, 'the 415 answers no Accept-Patch');
      checkEqual(asItem((await http(context, 'GET', uri)).body, 'the record').version, item.version, 'the version after the refused patch');
    },
  },
  {
    name: 'an unknown field is 422 validation-failed, never dropped',
    section: '§4.2',
    group: 'http',
    async run(context) {
      const answer = await http(context, 'POST', COLLECTION, { body: { title: `unknown ${context.tag}`, colour: 'red' } });
      expectProblem(answer, 422, 'validation-failed', 'POST with an unknown field');
    },
  },
  {
    name: 'DELETE answers 204; the record is then 404 not-found',
    section: '§4.2',
    group: 'http',
    async run(context) {
      const item = await createItem(context, `delete ${context.tag}`);
      const uri = `${COLLECTION}/${item.id}`;
      const answer = await http(context, 'DELETE', uri);
      expectStatus(answer, 204, 'DELETE');
      checkEqual(answer.text, '', 'the 204 body');
      expectProblem(await http(context, 'GET', uri), 404, 'not-found', 'GET of the deleted record');
    },
  },
  {
    name: 'an unknown resource, and a trailing slash, are 404 problem+json not-found',
    section: '§4.1',
    group: 'http',
    async run(context) {
      expectProblem(await http(context, 'GET', `/no-such-resource-${context.tag}`), 404, 'not-found', 'GET of an unknown resource');
      expectProblem(await http(context, 'GET', `${COLLECTION}/`), 404, 'not-found', 'GET with a trailing slash');
    },
  },
  {
    name: 'a method not allowed on a URI is 405 with Allow',
    section: '§4.1',
    group: 'http',
    async run(context) {
      const item = await createItem(context, `405 ${context.tag}`);
      const answer = await http(context, 'POST', `${COLLECTION}/${item.id}`, { body: { title: 'x' } });
      expectStatus(answer, 405, 'POST on a record');
      const allow = (answer.headers['allow'] ?? '').split(',').map((method) => method.trim());
      for (const method of ['GET', 'PUT', 'PATCH', 'DELETE']) check(allow.includes(method), `Allow lacks ${method}: ${show(answer.headers['allow'])}`);
      check(!allow.includes('POST'), `Allow names POST: ${show(answer.headers['allow'])}`);
    },
  },
  {
    name: 'a collection query filters by equality and pages with limit, next and Link rel="next"',
    section: '§4.5',
    group: 'http',
    async run(context) {
      const title = `query ${context.tag}`;
      const created = [await createItem(context, title), await createItem(context, title, true), await createItem(context, `other ${context.tag}`)];
      const all = await http(context, 'GET', titled(title));
      expectStatus(all, 200, 'GET of the collection filtered by title');
      const page = asPage(all.body, 'the filtered collection');
      checkEqual(page.next, null, 'next of the only page');
      const ids = page.items.map((item) => item.id);
      checkEqual(JSON.stringify([...ids].sort()), JSON.stringify([created[0]!.id, created[1]!.id].sort()), 'the ids of the matching records');
      check(/^"c[A-Za-z0-9_-]{27}"$/.test(all.headers['etag'] ?? ''), `a collection ETag is "c<27 base64url characters>": ${show(all.headers['etag'])}`);
      const done = await http(context, 'GET', `${titled(title)}&done=true`);
      checkEqual(JSON.stringify(asPage(done.body, 'done=true').items.map((item) => item.id)), JSON.stringify([created[1]!.id]), 'ids of done=true');
      const first = await http(context, 'GET', `${titled(title)}&limit=1`);
      const next = asPage(first.body, 'the first page of 1').next;
      check(next !== null, `a page of 1 of 2 has no next URI: ${show(first.body)}`);
      check((first.headers['link'] ?? '').includes(`<${next}>; rel="next"`), `Link does not name next: ${show(first.headers['link'])}`);
      const second = await http(context, 'GET', next);
      expectStatus(second, 200, 'GET of the next page');
      const rest = asPage(second.body, 'the next page');
      checkEqual(rest.items.length, 1, 'items on the second page');
      checkEqual(rest.next, null, 'next of the last page');
    },
  },
  {
    name: 'an invalid collection query is 400 invalid-query naming each parameter in errors',
    section: '§4.5',
    group: 'http',
    async run(context) {
      const answer = await http(context, 'GET', `${COLLECTION}?done=maybe&nosuchfield=1`);
      const problem = expectProblem(answer, 400, 'invalid-query', 'GET with a bad value and an unknown field');
      const paths = (problem.errors ?? []).map((error) => JSON.stringify(error.path));
      for (const path of [['query', 'done'], ['query', 'nosuchfield']]) check(paths.includes(JSON.stringify(path)), `errors do not name ${show(path)}: ${show(problem.errors)}`);
      expectProblem(await http(context, 'GET', `${COLLECTION}?limit=0`), 400, 'invalid-query', 'GET with limit=0');
    },
  },
];
