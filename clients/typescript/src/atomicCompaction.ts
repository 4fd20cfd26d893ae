import type { AgentInputItem } from '@openai/agents-core';
import type { OrleansSession } from './agentsSession.js';

/** The two members of Agents SDK 0.20's OpenAIResponsesCompactionSession this relies on (neither is public API): the
 * history it compacted, and the step that writes the compacted history into the underlying session. */
interface CompactionInternals {
  sessionItems?: AgentInputItem[];
  replaceUnderlyingSessionItems?: (args: { outputItems: AgentInputItem[] }) => Promise<void>;
}

/**
 * Makes an `OpenAIResponsesCompactionSession` (Agents SDK 0.20) over `store` write its compacted history in one
 * compare-and-swap step. Left as it is, it clears the underlying session and then adds the compacted items, so an
 * append made meanwhile by another process is lost (cleared, or left before the compaction item, where the Runner
 * no longer reads). With this, the compacted history replaces exactly the history that was compacted, in one
 * `replace_suffix` transaction; if anything was written meanwhile, the compaction fails (409, field
 * `expectedSuffix`) and changes nothing, and the next one reads the history afresh.
 *
 * ```ts
 * const session = compactAtomically(new OpenAIResponsesCompactionSession({ underlyingSession: store }), store);
 * ```
 */
export function compactAtomically<TSession extends object>(compaction: TSession, store: OrleansSession): TSession {
  const internals = compaction as CompactionInternals;
  if (typeof internals.replaceUnderlyingSessionItems !== 'function' || !('sessionItems' in compaction)) {
    throw new Error('compactAtomically: not an OpenAIResponsesCompactionSession of the Agents SDK 0.20.');
  }
  const replace: CompactionInternals['replaceUnderlyingSessionItems'] = async ({ outputItems }) => {
    const compacted = internals.sessionItems;
    if (!compacted) throw new Error('compactAtomically: the compaction session holds no compacted history to replace.');
    await store.applyHistoryTransaction({
      operationId: globalThis.crypto.randomUUID(),
      transaction: { type: 'replace_suffix', expectedSuffix: compacted, replacement: outputItems },
    });
  };
  Object.defineProperty(compaction, 'replaceUnderlyingSessionItems', { value: replace, configurable: true, writable: true });
  return compaction;
}
