import type { AgentInputItem, SessionHistoryTransactionArgs, SessionHistoryTransactionAwareSession } from '@openai/agents-core';
import type { SessionsClient } from './client.js';
import { SessionsApiError } from './errors.js';
import { RunUsageRecorder, type AgentsUsage } from './runUsage.js';
import type { CreateSessionRequest } from './types.js';

export interface OrleansSessionOptions {
  client: SessionsClient;
  /** An existing conversation; when omitted, one is created (with a generated id) on first use. */
  sessionId?: string;
  /** The owner of a session this Session creates. Required with an API key; a user token's user otherwise. */
  userId?: string;
  /** For a session this Session creates. */
  title?: string;
  ttlSeconds?: number;
  /** The model a run's usage is counted under in the session's `usage.byModel` (the SDK does not say which it was). */
  usageModel?: string;
}

/**
 * The OpenAI Agents SDK's `Session`, stored in the silo: ordered, shared by every process that uses the same
 * session id, and safe to retry. History transactions and compaction run on the server as single scripts, so a
 * replayed operation id changes nothing and a stale suffix fails without changing history.
 */
export class OrleansSession implements SessionHistoryTransactionAwareSession {
  /** The SDK then hands `addItems` the run's context, whose usage is recorded with the items (see `addItems`). */
  readonly acceptsRunContext = true as const;
  private readonly client: SessionsClient;
  private readonly usage = new RunUsageRecorder();
  private sessionId: string | undefined;
  private creating: Promise<string> | undefined;

  constructor(private readonly options: OrleansSessionOptions) {
    this.client = options.client;
    this.sessionId = options.sessionId;
  }

  async getSessionId(): Promise<string> {
    if (this.sessionId) return this.sessionId;
    const creating = (this.creating ??= this.create());
    try {
      return (this.sessionId = await creating);
    } catch (error) {
      if (this.creating === creating) this.creating = undefined; // a later call tries again
      throw error;
    }
  }

  async getItems(limit?: number): Promise<AgentInputItem[]> {
    if (limit !== undefined && limit <= 0) return [];
    try {
      const page = await this.client.getItems<AgentInputItem>(await this.getSessionId(), { limit });
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
  async addItems(items: AgentInputItem[], runContext?: { usage?: AgentsUsage }): Promise<void> {
    if (items.length === 0) return;
    const operationId = newOperationId();
    const usage = this.usage.pending(runContext, this.options.usageModel);
    await this.whenCreated(sessionId =>
      this.client.appendItems(sessionId, { items, operationId, userId: this.options.userId, ttlSeconds: this.options.ttlSeconds, usage }));
    this.usage.recordedUpTo(runContext);
  }

  async popItem(): Promise<AgentInputItem | undefined> {
    try {
      return (await this.client.popItem<AgentInputItem>(await this.getSessionId()))?.item;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async clearSession(): Promise<void> {
    if (!this.sessionId && !this.creating) return; // never created: nothing to clear, and nothing to create
    try {
      await this.client.clearItems(await this.getSessionId());
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }

  async applyHistoryTransaction(args: SessionHistoryTransactionArgs): Promise<void> {
    const { operationId, transaction } = args ?? {}; // read once: what is checked is what is sent
    if (typeof operationId !== 'string' || operationId.trim() === '') {
      throw new Error('Session history transaction operationId must be a non-empty string.');
    }
    await this.whenCreated(sessionId => this.client.applyHistoryTransaction(sessionId, operationId, transaction));
  }

  /** The compacted history replaces the stored one in one step. */
  async replaceHistoryWithCompaction(items: AgentInputItem[]): Promise<void> {
    const operationId = newOperationId();
    await this.whenCreated(sessionId => this.client.replaceItems(sessionId, items, operationId));
  }

  private async create(): Promise<string> {
    const request: CreateSessionRequest = { userId: this.options.userId, title: this.options.title, ttlSeconds: this.options.ttlSeconds };
    return (await this.client.createSession(request)).sessionId;
  }

  /** A write to a session that may not exist yet (an id given here but never stored): created for `userId`, then
   * the write is made once more. */
  private async whenCreated(write: (sessionId: string) => Promise<unknown>): Promise<void> {
    const sessionId = await this.getSessionId();
    try {
      await write(sessionId);
    } catch (error) {
      if (!isMissing(error) || !this.options.userId) throw error;
      try {
        await this.client.createSession({ userId: this.options.userId, sessionId, title: this.options.title, ttlSeconds: this.options.ttlSeconds });
      } catch (createError) {
        if (!(createError instanceof SessionsApiError && createError.status === 409)) throw createError;
      }
      await write(sessionId);
    }
  }
}

function isMissing(error: unknown): boolean {
  return error instanceof SessionsApiError && error.status === 404 && error.field === 'sessionId';
}

function newOperationId(): string {
  return globalThis.crypto.randomUUID();
}
