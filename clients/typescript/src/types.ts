/** The wire records of the silo's HTTP API v1 (JSON, camelCase). Items are any JSON objects, returned as sent. */

export type JsonObject = { [key: string]: unknown };

export interface SessionInfo {
  sessionId: string;
  userId: string;
  title: string | null;
  createdAt: string;
  updatedAt: string;
  itemCount: number;
  lastSeq: number;
  version: number;
  currentAgent: string | null;
  agentsUsed: string[];
  metadata: JsonObject | null;
  expiresAt: string | null;
  tokenTotal: number;
  /** For a fork: the session it was forked from and the seq it was forked through; null otherwise. */
  forkedFrom: ForkOrigin | null;
  /** The session's item cap (the oldest items beyond it are trimmed by the append that exceeds it); null = none. */
  maxItems: number | null;
  /** How many items the cap has removed, in all. */
  trimmedItems: number;
  /** Token usage of every append that carried usage, also per model and per agent; null until one did. */
  usage: SessionUsage | null;
}

/** Where a fork came from: the source session and the last seq it copied. */
export interface ForkOrigin {
  sessionId: string;
  seq: number;
}

/** What one turn (an agent run, a model response) used, as an append carries it. */
export interface TurnUsage {
  inputTokens: number;
  outputTokens: number;
  /** Defaults to inputTokens + outputTokens. */
  totalTokens?: number;
  cachedTokens?: number;
  reasoningTokens?: number;
  /** Counts the turn under this model too. */
  model?: string;
  /** Model requests the turn made; defaults to 1. */
  requests?: number;
}

export interface UsageTotals {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  requests: number;
}

export interface SessionUsage extends UsageTotals {
  byModel: Record<string, UsageTotals>;
  byAgent: Record<string, UsageTotals>;
}

export interface StoredItem<TItem = JsonObject> {
  seq: number;
  createdAt: string;
  item: TItem;
}

export interface ItemsPage<TItem = JsonObject> {
  items: StoredItem<TItem>[];
  lastSeq: number;
  version: number;
}

export interface AppendResult {
  firstSeq: number;
  lastSeq: number;
  count: number;
}

export interface SessionListPage {
  sessions: SessionInfo[];
  nextCursor: string | null;
}

/** One change to a session, as the live stream sends it: "append" (with its items), "pop", "clear", "rewind" (the
 * items firstSeq..lastSeq were removed), "trim" (the oldest items through lastSeq were removed by the cap), "reset"
 * (read the items afresh) or "deleted" (the end). */
export interface SessionEvent<TItem = JsonObject> {
  id: string;
  version: number;
  type: 'append' | 'pop' | 'clear' | 'rewind' | 'trim' | 'reset' | 'deleted';
  firstSeq: number;
  lastSeq: number;
  items: StoredItem<TItem>[];
}

export interface UserToken {
  token: string;
  tokenType: 'Bearer';
  userId: string;
  expiresAt: string;
}

/** An RFC 9457 problem document, as every error of the API is. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  field?: string;
  limit?: unknown;
}

export interface CreateSessionRequest {
  /** Required with an API key; a user token's user when omitted. */
  userId?: string;
  /** Generated when omitted (user tokens cannot choose one). */
  sessionId?: string;
  title?: string;
  ttlSeconds?: number;
  metadata?: JsonObject;
  /** Caps the items the session keeps: the oldest go first, in the append that exceeds it. */
  maxItems?: number;
}

export interface AppendItemsRequest<TItem = JsonObject> {
  items: TItem[];
  operationId?: string;
  agent?: string;
  /** Creates the session for this user when it is missing (API keys only). */
  userId?: string;
  tokens?: number;
  ttlSeconds?: number;
  /** Adds to the session's usage totals (and its model's and agent's) in the same step as the items. */
  usage?: TurnUsage;
  /** The session's item cap from this append on (a batch larger than the cap is refused). */
  maxItems?: number;
}

/** A new session holding the source's items through `throughSeq` (all when omitted) and its data values. */
export interface ForkSessionRequest {
  /** The new session's id; generated when omitted (with an operationId, the same one on every retry). */
  sessionId?: string;
  /** The new session's owner; the source's when omitted. */
  userId?: string;
  /** The last seq to copy (0: none); every item when omitted. Beyond the source's lastSeq is refused (400). */
  throughSeq?: number;
  /** Title, metadata and TTL default to the source's. */
  title?: string;
  metadata?: JsonObject;
  ttlSeconds?: number;
  /** Makes the fork safe to retry: a retry answers the same session and copies nothing more. */
  operationId?: string;
}

/** What a rewind removed; lastSeq never moves back (seqs are not reused). */
export interface RewindResult {
  afterSeq: number;
  removedCount: number;
  lastSeq: number;
}

export interface ItemsQuery {
  limit?: number;
  afterSeq?: number;
  role?: string;
  safeStart?: boolean;
  refreshTtl?: boolean;
}

export type HistoryTransaction<TItem = JsonObject> =
  | { type: 'append_items'; items: TItem[] }
  | { type: 'replace_suffix'; expectedSuffix: TItem[]; replacement: TItem[] };
