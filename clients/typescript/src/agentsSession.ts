import type {
  AgentInputItem, RunContext, RunContextAwareSession, SessionHistoryRewriteArgs, SessionHistoryRewriteAwareSession, SessionHistoryTransactionArgs,
  SessionHistoryTransactionAwareSession,
} from '@openai/agents-core';
import type { SessionsClient } from './client.js';
import { SessionsApiError } from './errors.js';
import { applyMutations, readMutations, readTransactionArgs } from './historyArguments.js';
import { snapshotItems } from './jsonSnapshot.js';
import { RunUsageRecorder } from './runUsage.js';
import type { CreateSessionRequest } from './types.js';

export interface OrleansSessionOptions {
  client: SessionsClient;
  /** An existing conversation; when omitted, one is created (with a generated id) on first use. */
  sessionId?: string;
  /** The owner of a session this Session creates. Required with an API key (here or in the run context); a user
   * token's user otherwise. */
  userId?: string;
  /** Where a run keeps its user, for the runs of an application that puts it in the run context rather than here.
   * The default reads `context.userId` of `run(agent, input, { session, context: { userId } })`. When both this and
   * {@link userId} name a user they must be the same one. */
  userFromRunContext?: (runContext: RunContext<any>) => string | undefined;
  /** For a session this Session creates. */
  title?: string;
  ttlSeconds?: number;
  /** The model a run's usage is counted under in the session's `usage.byModel` (the SDK does not say which it was). */
  usageModel?: string;
}

/** How often {@link OrleansSession.applyHistoryMutations} reads again after a concurrent change to the items it
 * replaces. */
const mutationAttempts = 10;

/**
 * The OpenAI Agents SDK's `Session`, stored in the silo: ordered, shared by every process that uses the same
 * session id, and safe to retry. History transactions, mutations and compaction run on the server as single
 * scripts, so a replayed operation id changes nothing and a stale suffix fails without changing history. Items are
 * checked before anything is sent: a value JSON would silently change is refused, naming its path.
 */
export class OrleansSession implements RunContextAwareSession, SessionHistoryTransactionAwareSession, SessionHistoryRewriteAwareSession {
  /** The Runner passes its run context to every call: the session's user can come from there, and `addItems` records
   * the run's usage from it. */
  readonly acceptsRunContext = true as const;
  private readonly client: SessionsClient;
  private readonly usage = new RunUsageRecorder();
  private sessionId: string | undefined;
  private creating: Promise<string> | undefined;

  constructor(private readonly options: OrleansSessionOptions) {
    this.client = options.client;
    this.sessionId = options.sessionId;
  }

  getSessionId(): Promise<string> {
    return this.ensureSession(this.options.userId);
  }

  async getItems(limit?: number, runContext?: RunContext<any>): Promise<AgentInputItem[]> {
    if (limit !== undefined && limit <= 0) return [];
    try {
      const page = await this.client.getItems<AgentInputItem>(await this.ensureSession(this.user(runContext)), { limit });
      return page.items.map(stored => stored.item);
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
  }

  /**
   * Stores the items as one append. Given the run's context (the SDK passes it when a run stores its items), the run's
   * usage since it last stored — every model call, as the run result's `state.usage` adds them up — goes with the
   * items into the session's `usage`, in the same step, so a retried append counts it once.
   */
  async addItems(items: AgentInputItem[], runContext?: RunContext<any>): Promise<void> {
    const checked = snapshotItems<AgentInputItem>(items, 'items', 'OrleansSession.addItems');
    if (checked.length === 0) return;
    const userId = this.user(runContext);
    const operationId = newOperationId();
    const usage = this.usage.pending(runContext, this.options.usageModel);
    await this.whenCreated(userId, sessionId =>
      this.client.appendItems(sessionId, { items: checked, operationId, userId, ttlSeconds: this.options.ttlSeconds, usage }));
    this.usage.recordedUpTo(runContext);
  }

  async popItem(runContext?: RunContext<any>): Promise<AgentInputItem | undefined> {
    try {
      return (await this.client.popItem<AgentInputItem>(await this.ensureSession(this.user(runContext))))?.item;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async clearSession(runContext?: RunContext<any>): Promise<void> {
    if (!this.sessionId && !this.creating) return; // never created: nothing to clear, and nothing to create
    try {
      await this.client.clearItems(await this.ensureSession(this.user(runContext)));
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }

  async applyHistoryTransaction(args: SessionHistoryTransactionArgs, runContext?: RunContext<any>): Promise<void> {
    const { operationId, transaction } = readTransactionArgs(args); // read once: what is checked is what is sent
    await this.whenCreated(this.user(runContext), sessionId => this.client.applyHistoryTransaction(sessionId, operationId, transaction));
  }

  /** The compacted history replaces the stored one in one step (one script; a retry carries the same operation id),
   * so no reader ever sees it empty or half written. */
  async replaceHistoryWithCompaction(items: AgentInputItem[], runContext?: RunContext<any>): Promise<void> {
    const checked = snapshotItems<AgentInputItem>(items, 'items', 'OrleansSession.replaceHistoryWithCompaction');
    const operationId = newOperationId();
    await this.whenCreated(this.user(runContext), sessionId => this.client.replaceItems(sessionId, checked, operationId));
  }

  /**
   * Applies the SDK's history mutations (`replace_function_call`) in one step: the history is read, the mutations
   * applied to it here, and the changed items from the first one on replaced by a `replace_suffix` transaction whose
   * expected suffix is what was read. A change made meanwhile to those items makes it fail without changing
   * anything; it then reads again (up to 10 times).
   */
  async applyHistoryMutations(args: SessionHistoryRewriteArgs): Promise<void> {
    const mutations = readMutations(args);
    if (mutations.length === 0) return;
    const sessionId = await this.getSessionId();
    for (let attempt = 1; ; attempt++) {
      let items: AgentInputItem[];
      try {
        items = (await this.client.getItems<AgentInputItem>(sessionId)).items.map(stored => stored.item);
      } catch (error) {
        if (isMissing(error)) return;
        throw error;
      }
      const changed = applyMutations(items, mutations);
      let first = 0;
      while (first < changed.length && changed[first] === items[first]) first++;
      if (first === items.length) return; // no such call: nothing changes
      try {
        await this.client.applyHistoryTransaction(sessionId, newOperationId(),
          { type: 'replace_suffix', expectedSuffix: items.slice(first), replacement: changed.slice(first) });
        return;
      } catch (error) {
        const raced = error instanceof SessionsApiError && error.status === 409 && error.field === 'expectedSuffix';
        if (!raced || attempt >= mutationAttempts) throw error;
      }
    }
  }

  /** The user a call acts for: the run context's (see {@link OrleansSessionOptions.userFromRunContext}) or this
   * Session's. */
  private user(runContext: RunContext<any> | undefined): string | undefined {
    if (!runContext) return this.options.userId;
    const fromRun = (this.options.userFromRunContext ?? userIdInContext)(runContext);
    if (fromRun === undefined || fromRun === null) return this.options.userId;
    if (typeof fromRun !== 'string' || fromRun === '') throw new Error('OrleansSession: the run context\'s user must be a non-empty string.');
    if (this.options.userId !== undefined && fromRun !== this.options.userId) {
      throw new Error(`OrleansSession: the run context's user "${fromRun}" is not this session's user "${this.options.userId}".`);
    }
    return fromRun;
  }

  private async ensureSession(userId: string | undefined): Promise<string> {
    if (this.sessionId) return this.sessionId;
    const creating = (this.creating ??= this.create(userId));
    try {
      return (this.sessionId = await creating);
    } catch (error) {
      if (this.creating === creating) this.creating = undefined; // a later call tries again
      throw error;
    }
  }

  private async create(userId: string | undefined): Promise<string> {
    const request: CreateSessionRequest = { userId, title: this.options.title, ttlSeconds: this.options.ttlSeconds };
    return (await this.client.createSession(request)).sessionId;
  }

  /** A write to a session that may not exist yet (an id given here but never stored): created for `userId`, then
   * the write is made once more. */
  private async whenCreated(userId: string | undefined, write: (sessionId: string) => Promise<unknown>): Promise<void> {
    const sessionId = await this.ensureSession(userId);
    try {
      await write(sessionId);
    } catch (error) {
      if (!isMissing(error) || !userId) throw error;
      try {
        await this.client.createSession({ userId, sessionId, title: this.options.title, ttlSeconds: this.options.ttlSeconds });
      } catch (createError) {
        if (!(createError instanceof SessionsApiError && createError.status === 409)) throw createError;
      }
      await write(sessionId);
    }
  }
}

function userIdInContext(runContext: RunContext<any>): string | undefined {
  const context: unknown = runContext.context;
  return context !== null && typeof context === 'object' ? (context as { userId?: string }).userId : undefined;
}

function isMissing(error: unknown): boolean {
  return error instanceof SessionsApiError && error.status === 404 && error.field === 'sessionId';
}

function newOperationId(): string {
  return globalThis.crypto.randomUUID();
}
