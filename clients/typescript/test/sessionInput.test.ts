import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemorySession, type AgentInputItem, type Session, type SessionHistoryTransactionArgs } from '@openai/agents';
import { OrleansSession, SessionsClient, UnsupportedJsonError } from '../src/index.js';
import { recordingClient } from './recordingClient.js';
import { siloForThisFile } from './silo.js';

// The SDK's own MemorySession tests about bad history-transaction input (packages/agents-core/test/memorySession.test.ts),
// written again here and run against MemorySession and OrleansSession alike: both refuse the same input, before
// changing anything, and the operation id stays free for a correct retry.

let client: SessionsClient;
const requests: string[] = [];
siloForThisFile(started => { client = recordingClient(started, requests); });

const message = (text: string): AgentInputItem => ({ role: 'user', content: [{ type: 'input_text', text }] });
const plain = (items: AgentInputItem[]): unknown => JSON.parse(JSON.stringify(items));

type Subject = Session & { applyHistoryTransaction(args: SessionHistoryTransactionArgs): Promise<void> };
const kinds: Array<[string, (initial: AgentInputItem[]) => Promise<Subject>]> = [
  ['MemorySession', async initial => new MemorySession({ initialItems: initial })],
  ['OrleansSession', async initial => {
    const session = new OrleansSession({ client, userId: 'input-tests' });
    await session.addItems(initial);
    return session;
  }],
];

for (const [kind, make] of kinds) {
  describe(`bad history-transaction input, refused by ${kind}`, () => {
    test('invalid input is refused before anything changes', async () => {
      const start = message('start');
      const session = await make([start]);
      const sentBefore = requests.length;
      await assert.rejects(session.applyHistoryTransaction({ operationId: '   ', transaction: { type: 'append_items', items: [] } }),
        /operationId must be a non-empty string/);
      await assert.rejects(session.applyHistoryTransaction({ operationId: 'op-unknown', transaction: { type: 'unknown' } as never }),
        /Unsupported session history transaction type/);
      await assert.rejects(session.applyHistoryTransaction({ operationId: 'op-missing', transaction: null as never }),
        /transaction must be an object/);
      await assert.rejects(session.applyHistoryTransaction({ operationId: 'op-invalid-item', transaction: { type: 'append_items', items: [42] } as never }),
        /items contain invalid or unsupported data/);
      if (kind === 'OrleansSession') assert.equal(requests.length, sentBefore, 'nothing was sent');
      assert.deepEqual(plain(await session.getItems()), plain([start]));
    });

    test('a Date, a cycle, a BigInt or a hole in the items is refused before anything changes', async () => {
      const start = message('start');
      const session = await make([start]);
      const withDate = message('date');
      withDate.providerData = { timestamp: new Date(0) };
      const withCycle = message('cycle');
      const cycle: Record<string, unknown> = {};
      cycle.self = cycle;
      withCycle.providerData = cycle;
      const withBigInt = message('bigint');
      withBigInt.providerData = { value: 42n };
      const sparse = new Array<AgentInputItem>(1);
      const sentBefore = requests.length;
      for (const [operationId, items] of [['op-date', [withDate]], ['op-cycle', [withCycle]], ['op-bigint', [withBigInt]], ['op-sparse', sparse]] as const) {
        await assert.rejects(session.applyHistoryTransaction({ operationId, transaction: { type: 'append_items', items: [...items] } }),
          /items contain invalid or unsupported data/, operationId);
      }
      if (kind === 'OrleansSession') assert.equal(requests.length, sentBefore, 'nothing was sent');
      assert.deepEqual(plain(await session.getItems()), plain([start]));
    });

    test('a non-enumerable property is refused, and the operation id stays free', async () => {
      const start = message('start');
      const session = await make([start]);
      const item = message('hidden');
      Object.defineProperty(item, 'providerData', { enumerable: false, value: { hidden: true } });
      await assert.rejects(session.applyHistoryTransaction({ operationId: 'op-non-enumerable', transaction: { type: 'append_items', items: [item] } }),
        /items contain invalid or unsupported data/);
      assert.deepEqual(plain(await session.getItems()), plain([start]));

      const retry = message('retry');
      await session.applyHistoryTransaction({ operationId: 'op-non-enumerable', transaction: { type: 'append_items', items: [retry] } });
      assert.deepEqual(plain(await session.getItems()), plain([start, retry]));
    });

    test('a transaction field the SDK does not define is refused, and the operation id stays free', async () => {
      const start = message('start');
      const session = await make([start]);
      await assert.rejects(session.applyHistoryTransaction({
        operationId: 'op-extra-field', transaction: { type: 'append_items', items: [message('x')], metadata: { attempt: 1 } } as never,
      }), /append transaction fields are invalid/);
      await assert.rejects(session.applyHistoryTransaction({
        operationId: 'op-extra-suffix-field',
        transaction: { type: 'replace_suffix', expectedSuffix: [start], replacement: [message('x')], metadata: { attempt: 1 } } as never,
      }), /suffix transaction fields are invalid/);
      assert.deepEqual(plain(await session.getItems()), plain([start]));

      const retry = message('retry');
      await session.applyHistoryTransaction({ operationId: 'op-extra-field', transaction: { type: 'append_items', items: [retry] } });
      assert.deepEqual(plain(await session.getItems()), plain([start, retry]));
    });

    test('the refusal of a Symbol value does not repeat what the item holds', async () => {
      const session = await make([]);
      const item = message('secret');
      item.providerData = { secret: Symbol('api-key-secret') };
      const error = await session.applyHistoryTransaction({ operationId: 'op-symbol', transaction: { type: 'append_items', items: [item] } })
        .then(() => undefined, (caught: unknown) => caught);
      assert.ok(error instanceof Error);
      assert.match(error.message, /Session history transaction items contain invalid or unsupported data/);
      assert.doesNotMatch(error.message, /api-key-secret/);
      assert.deepEqual(await session.getItems(), []);
    });

    test('a typed array or a Proxy is refused, and the operation id stays free', async () => {
      const session = await make([]);
      const typed = message('typed');
      typed.providerData = { values: new Uint16Array([300]) };
      const proxied = new Proxy([message('proxied')], {});
      for (const items of [[typed], proxied]) {
        await assert.rejects(session.applyHistoryTransaction({ operationId: 'op-clone', transaction: { type: 'append_items', items } }),
          /items contain invalid or unsupported data/);
      }
      const accepted = message('accepted after the refusals');
      await session.applyHistoryTransaction({ operationId: 'op-clone', transaction: { type: 'append_items', items: [accepted] } });
      assert.deepEqual(plain(await session.getItems()), plain([accepted]));
    });

    test('the envelope is read once, and a getter that throws is refused without its message', async () => {
      const session = await make([]);
      let reads = 0;
      const args = { transaction: { type: 'append_items' as const, items: [message('once')] } } as SessionHistoryTransactionArgs;
      Object.defineProperty(args, 'operationId', {
        enumerable: true,
        get: () => (++reads === 1 ? 'op-read-once' : 'changed'),
      });
      await session.applyHistoryTransaction(args);
      assert.equal(reads, 1);
      reads = 0;
      await session.applyHistoryTransaction(args); // a replay
      assert.equal(reads, 1);
      assert.deepEqual(plain(await session.getItems()), plain([message('once')]));

      const throwing = {} as SessionHistoryTransactionArgs;
      Object.defineProperty(throwing, 'operationId', { get: () => { throw new Error('api-key-secret'); } });
      const error = await session.applyHistoryTransaction(throwing).then(() => undefined, (caught: unknown) => caught);
      assert.ok(error instanceof Error);
      assert.equal(error.message, 'Session history transaction arguments are invalid.');
    });

    test('an object without a prototype is plain JSON: kept, replayed and matched as a suffix', async () => {
      const session = await make([]);
      const appended = message('canonical');
      appended.providerData = Object.assign(Object.create(null) as Record<string, unknown>, { source: 'provider' });
      await session.applyHistoryTransaction({ operationId: 'op-canonical', transaction: { type: 'append_items', items: [appended] } });
      const [roundTripped] = await session.getItems();
      await session.applyHistoryTransaction({ operationId: 'op-canonical', transaction: { type: 'append_items', items: [roundTripped!] } });
      await session.applyHistoryTransaction({
        operationId: 'op-canonical-replace', transaction: { type: 'replace_suffix', expectedSuffix: [appended], replacement: [message('replaced')] },
      });
      assert.deepEqual(plain(await session.getItems()), plain([message('replaced')]));
    });

    test('a suffix that does not match, or an operation id reused for other content, fails and changes nothing', async () => {
      const start = message('start');
      const session = await make([start]);
      await assert.rejects(session.applyHistoryTransaction({
        operationId: 'op-after-conflict', transaction: { type: 'replace_suffix', expectedSuffix: [message('different')], replacement: [message('x')] },
      }));
      assert.deepEqual(plain(await session.getItems()), plain([start]));
      await session.applyHistoryTransaction({
        operationId: 'op-after-conflict', transaction: { type: 'replace_suffix', expectedSuffix: [start], replacement: [message('accepted')] },
      });
      await session.applyHistoryTransaction({ operationId: 'op-empty', transaction: { type: 'append_items', items: [] } });
      await assert.rejects(session.applyHistoryTransaction({ operationId: 'op-empty', transaction: { type: 'append_items', items: [message('unexpected')] } }));
      assert.deepEqual(plain(await session.getItems()), plain([message('accepted')]));
    });
  });
}

describe('items that JSON would silently change', () => {
  const bad: Array<[string, (item: Record<string, unknown>) => void, string, RegExp]> = [
    ['a Date', item => { item.providerData = { when: new Date(0) }; }, 'items[0].providerData.when', /a Date/],
    ['a typed array', item => { item.providerData = { bytes: new Uint8Array([1, 2]) }; }, 'items[0].providerData.bytes', /a Uint8Array/],
    ['a Map', item => { item.providerData = { map: new Map() }; }, 'items[0].providerData.map', /a Map/],
    ['a class instance', item => { item.providerData = new (class Hint { constructor(readonly text = 'x') {} })(); }, 'items[0].providerData', /a Hint/],
    ['a Symbol value', item => { item.providerData = { tag: Symbol('t') }; }, 'items[0].providerData.tag', /a Symbol/],
    ['a Symbol key', item => { item.providerData = { [Symbol('t')]: 1 }; }, 'items[0].providerData[a Symbol key]', /Symbol-keyed/],
    ['a non-enumerable property', item => { Object.defineProperty(item, 'providerData', { value: {}, enumerable: false }); }, 'items[0].providerData', /non-enumerable/],
    ['a getter', item => { Object.defineProperty(item, 'providerData', { get: () => ({}), enumerable: true }); }, 'items[0].providerData', /a getter/],
    ['a BigInt', item => { item.providerData = { n: 1n }; }, 'items[0].providerData.n', /a BigInt/],
    ['a cycle', item => { item.providerData = { back: item }; }, 'items[0].providerData.back', /a cycle/],
    ['undefined in an array', item => { item.providerData = { list: [1, undefined] }; }, 'items[0].providerData.list[1]', /undefined/],
    ['a hole in an array', item => { item.providerData = { list: [1, , 3] }; }, 'items[0].providerData.list[1]', /a hole/], // eslint-disable-line no-sparse-arrays
    ['NaN', item => { item.providerData = { score: NaN }; }, 'items[0].providerData.score', /NaN/],
    ['Infinity', item => { item.providerData = { 'the score': -Infinity }; }, 'items[0].providerData["the score"]', /-Infinity/],
    ['a function', item => { item.providerData = { toJSON: () => 'x' }; }, 'items[0].providerData.toJSON', /a function/],
  ];

  for (const [what, spoil, path, reason] of bad) {
    test(`${what} is refused, naming its path, before any request`, async () => {
      const before = requests.length;
      const session = new OrleansSession({ client, userId: 'json-tests' });
      const item = { role: 'user', content: 'hello' } as Record<string, unknown>;
      spoil(item);
      for (const write of [
        () => session.addItems([item as AgentInputItem]),
        () => session.replaceHistoryWithCompaction([item as AgentInputItem]),
      ]) {
        const error = await write().then(() => undefined, (caught: unknown) => caught);
        assert.ok(error instanceof UnsupportedJsonError, String(error));
        assert.equal(error.path, path);
        assert.match(error.message, reason);
        assert.ok(error.message.includes(path), error.message);
      }
      assert.equal(requests.length, before, 'no request, not even to create the session');
    });
  }

  test('an undefined property is left out, as JSON leaves it out, and a prototype-less object is kept', async () => {
    const session = new OrleansSession({ client, userId: 'json-tests' });
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { source: 'x' });
    await session.addItems([{ role: 'user', content: 'hi', providerData: { gone: undefined, bare } } as AgentInputItem]);
    assert.deepEqual(await session.getItems(), [{ role: 'user', content: 'hi', providerData: { bare: { source: 'x' } } }]);
  });
});
