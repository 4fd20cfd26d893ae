import type {
  AgentInputItem, SessionHistoryMutation, SessionHistoryTransaction, SessionHistoryTransactionArgs,
} from '@openai/agents-core';
import { snapshotItems, snapshotJson } from './jsonSnapshot.js';

/** The Agents SDK's `applyHistoryTransaction` argument, read once (each property one time) and checked before
 * anything is sent; the errors say what the SDK's MemorySession says for the same input, plus the path. */
export function readTransactionArgs(args: SessionHistoryTransactionArgs): { operationId: string; transaction: SessionHistoryTransaction } {
  let operationId: unknown;
  let transaction: unknown;
  try {
    if (!args || typeof args !== 'object') throw new Error('not an object');
    operationId = Reflect.get(args, 'operationId');
    transaction = Reflect.get(args, 'transaction');
  } catch {
    // Not the getter's message: it may hold anything.
    throw new Error('Session history transaction arguments are invalid.');
  }
  if (typeof operationId !== 'string' || operationId.trim() === '') {
    throw new Error('Session history transaction operationId must be a non-empty string.');
  }
  if (!transaction || typeof transaction !== 'object' || Array.isArray(transaction)) {
    throw new Error('Session history transaction must be an object.');
  }
  const context = 'Session history transaction items contain invalid or unsupported data';
  const record = snapshotJson(transaction, 'transaction', context) as Record<string, unknown>;
  const fields = Object.keys(record).sort().join(',');
  switch (record.type) {
    case 'append_items':
      if (fields !== 'items,type') throw new Error(`Session history append transaction fields are invalid: ${fields} (expected type, items).`);
      return { operationId, transaction: { type: 'append_items', items: snapshotItems(record.items, 'transaction.items', context) } };
    case 'replace_suffix':
      if (fields !== 'expectedSuffix,replacement,type') {
        throw new Error(`Session history suffix transaction fields are invalid: ${fields} (expected type, expectedSuffix, replacement).`);
      }
      return {
        operationId,
        transaction: {
          type: 'replace_suffix',
          expectedSuffix: snapshotItems(record.expectedSuffix, 'transaction.expectedSuffix', context),
          replacement: snapshotItems(record.replacement, 'transaction.replacement', context),
        },
      };
    default:
      throw new Error('Unsupported session history transaction type: transaction.type must be append_items or replace_suffix.');
  }
}

/** The Agents SDK's `applyHistoryMutations` argument, read once and checked before anything is read or sent. */
export function readMutations(args: { mutations: SessionHistoryMutation[] }): SessionHistoryMutation[] {
  const context = 'Session history mutations contain invalid or unsupported data';
  let mutations: unknown;
  try {
    mutations = Reflect.get(args, 'mutations');
  } catch {
    throw new Error('Session history mutation arguments are invalid.');
  }
  const snapshot = snapshotJson(mutations, 'mutations', context);
  if (!Array.isArray(snapshot)) throw new Error('Session history mutations must be an array.');
  return snapshot.map((mutation: Record<string, unknown> | null, index) => {
    const at = `mutations[${index}]`;
    if (mutation?.type !== 'replace_function_call') throw new Error(`Unsupported session history mutation type at ${at}.type: only replace_function_call.`);
    if (typeof mutation.callId !== 'string' || mutation.callId === '') throw new Error(`${at}.callId must be a non-empty string.`);
    const replacement = mutation.replacement as Record<string, unknown> | null;
    if (replacement?.type !== 'function_call') throw new Error(`${at}.replacement must be a function_call item.`);
    return { type: 'replace_function_call', callId: mutation.callId, replacement: replacement as SessionHistoryMutation['replacement'] };
  });
}

/** The history with the mutations applied, as the SDK defines them: `replace_function_call` puts its replacement where
 * the first function call with that call id is and drops the later ones; with no such call, nothing changes. Items
 * that stay are the same objects. */
export function applyMutations(items: AgentInputItem[], mutations: SessionHistoryMutation[]): AgentInputItem[] {
  let result = items;
  for (const mutation of mutations) {
    let replaced = false;
    result = result.flatMap(item => {
      if (item.type !== 'function_call' || item.callId !== mutation.callId) return [item];
      if (replaced) return [];
      replaced = true;
      return [mutation.replacement];
    });
  }
  return result;
}
