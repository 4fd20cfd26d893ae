import { corsRefusal } from './corsRefusal.js';
import { SessionsApiError, SessionsCorsError } from './errors.js';
import { readEvents } from './events.js';
import { TokenCache, type TokenGrant } from './tokenCache.js';
import type {
  AppendItemsRequest, AppendResult, CreateSessionRequest, ForkSessionRequest, HistoryTransaction, ItemsPage, ItemsQuery, JsonObject, Problem,
  RewindResult, SessionEvent, SessionInfo, SessionListPage, StoredItem, UserToken,
} from './types.js';

export interface SessionsClientOptions {
  /** Where the silo (or its load balancer) listens, e.g. "https://sessions.example". */
  baseUrl: string;
  /** A tenant's API key: for servers only (browsers are refused it by CORS). */
  apiKey?: string;
  /**
   * A user token from {@link SessionsClient.createUserToken}, or a function that returns a fresh one: the token, or
   * `{ token, expiresAt }` (the whole answer of `createUserToken` fits). The function is called once, and again
   * shortly before the token expires (from `expiresAt`, else from the JWT's `exp`) or when the silo answers 401
   * (then the request is sent once more with the new token) — not on every request.
   */
  token?: string | (() => TokenGrant | Promise<TokenGrant>);
  /** Another fetch (tests, instrumentation); the global one by default. */
  fetch?: typeof fetch;
  /** How often a request that is safe to repeat (a read, or a write carrying an operationId) is retried after a
   * 429 or 503 (waiting as Retry-After says, at most 10 s) or a failed connection. Default 3; 0 turns it off. */
  retries?: number;
}

/** The silo's HTTP API v1. Errors arrive as {@link SessionsApiError}. */
export class SessionsClient {
  private readonly baseUrl: string;
  private readonly tokens: TokenCache | undefined;

  constructor(private readonly options: SessionsClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    const token = options.token;
    this.tokens = typeof token === 'function' ? new TokenCache(token) : undefined;
  }

  createSession(request: CreateSessionRequest): Promise<SessionInfo> {
    return this.send('POST', '/v1/sessions', request);
  }

  getSession(sessionId: string): Promise<SessionInfo> {
    return this.send('GET', session(sessionId));
  }

  async deleteSession(sessionId: string): Promise<void> {
    await this.send('DELETE', session(sessionId));
  }

  /** A new session (201) holding this one's items through `throughSeq` and its data values; its `forkedFrom` names
   * the source. With an operationId it is safe to retry: a retry answers the same new session. */
  forkSession(sessionId: string, request: ForkSessionRequest = {}): Promise<SessionInfo> {
    const { sessionId: newSessionId, userId, throughSeq, title, metadata, ttlSeconds, operationId } = request;
    return this.send('POST', session(sessionId) + '/fork', { sessionId: newSessionId, userId, throughSeq, title, metadata, ttlSeconds, operationId });
  }

  /** Without afterSeq: the newest `limit` items (all when omitted), oldest first; with it, the items after that seq. */
  getItems<TItem = JsonObject>(sessionId: string, query: ItemsQuery = {}): Promise<ItemsPage<TItem>> {
    return this.send('GET', session(sessionId) + '/items' + queryString({
      limit: query.limit, afterSeq: query.afterSeq, role: query.role,
      safeStart: query.safeStart ? 'true' : undefined, refreshTtl: query.refreshTtl ? 'true' : undefined,
    }));
  }

  /** Appends a batch atomically; with an operationId a retry is stored once. */
  appendItems<TItem = JsonObject>(sessionId: string, request: AppendItemsRequest<TItem>): Promise<AppendResult> {
    return this.send('POST', session(sessionId) + '/items', request);
  }

  /** Replaces the whole history in one step (compaction). */
  replaceItems<TItem = JsonObject>(sessionId: string, items: TItem[], operationId?: string): Promise<AppendResult> {
    return this.send('PUT', session(sessionId) + '/items', { items, operationId });
  }

  /** The Agents SDK's history transaction, run as one script: once per operation id; a suffix that no longer
   * matches fails (409, field "expectedSuffix") and changes nothing. */
  applyHistoryTransaction<TItem = JsonObject>(sessionId: string, operationId: string, transaction: HistoryTransaction<TItem>): Promise<AppendResult> {
    return this.send('POST', session(sessionId) + '/history/transactions', { operationId, transaction });
  }

  /** Removes and returns the newest item; undefined when there is none. */
  popItem<TItem = JsonObject>(sessionId: string): Promise<StoredItem<TItem> | undefined> {
    return this.send('POST', session(sessionId) + '/items/pop');
  }

  /** Removes every item after `afterSeq` in one step ("edit and regenerate"); with an operationId, once (a retry
   * answers the same and removes nothing more). An afterSeq beyond the last seq is refused (400, field "afterSeq"). */
  rewindItems(sessionId: string, afterSeq: number, options: { operationId?: string } = {}): Promise<RewindResult> {
    return this.send('DELETE', session(sessionId) + '/items' + queryString({ afterSeq, operationId: options.operationId }), undefined,
      options.operationId !== undefined);
  }

  async clearItems(sessionId: string, options: { resetAgents?: boolean } = {}): Promise<void> {
    await this.send('DELETE', session(sessionId) + '/items' + queryString({ resetAgents: options.resetAgents ? 'true' : undefined }));
  }

  trackAgent(sessionId: string, agent: string): Promise<SessionInfo> {
    return this.send('PUT', session(sessionId) + '/agent', { agent });
  }

  getAllData(sessionId: string): Promise<Record<string, unknown>> {
    return this.send('GET', session(sessionId) + '/data');
  }

  /** The value under `key`; undefined when there is none. */
  async getData<T = unknown>(sessionId: string, key: string): Promise<T | undefined> {
    try {
      return await this.send<T>('GET', data(sessionId, key));
    } catch (error) {
      if (error instanceof SessionsApiError && error.status === 404 && error.field === 'key') return undefined;
      throw error;
    }
  }

  async setData(sessionId: string, key: string, value: unknown): Promise<void> {
    await this.send('PUT', data(sessionId, key), value === undefined ? null : value);
  }

  /** Sets one nested path inside the value under `key` (objects made on the way); returns the whole new value. */
  updateData<T = unknown>(sessionId: string, key: string, path: string[], value: unknown): Promise<T> {
    return this.send('PATCH', data(sessionId, key), { path, value });
  }

  async deleteData(sessionId: string, key: string): Promise<void> {
    await this.send('DELETE', data(sessionId, key));
  }

  /** One page of a user's sessions, most recently active first. */
  listSessions(userId: string, options: { limit?: number; cursor?: string } = {}): Promise<SessionListPage> {
    return this.send('GET', `/v1/users/${encodeURIComponent(userId)}/sessions` + queryString({ limit: options.limit, cursor: options.cursor }));
  }

  /** Every session of the user, page after page. */
  async *listAllSessions(userId: string, pageSize = 100): AsyncGenerator<SessionInfo> {
    let cursor: string | undefined;
    do {
      const page = await this.listSessions(userId, { limit: pageSize, cursor });
      yield* page.sessions;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  async deleteUser(userId: string): Promise<void> {
    await this.send('DELETE', `/v1/users/${encodeURIComponent(userId)}`);
  }

  /** With a tenant's API key: a short-lived token for one user, for that user's browser to hold. */
  createUserToken(userId: string, ttlSeconds?: number): Promise<UserToken> {
    return this.send('POST', '/v1/tokens', { userId, ttlSeconds });
  }

  /**
   * The session's changes as they happen, on any silo, each once and in order. With `afterSeq` it starts with the
   * stored items after that seq as one "append" event (`afterSeq: 0`: every item; none when there are none yet), then
   * goes on with the changes made after they were read: nothing missed, nothing twice. With `lastEventId` (an event's
   * id) it resumes after that event; with neither, it starts at the next change. A dropped connection is re-opened
   * from the last event. Ends after a "deleted" event or when `signal` aborts.
   */
  streamEvents<TItem = JsonObject>(sessionId: string, options: { afterSeq?: number; lastEventId?: string; signal?: AbortSignal } = {}): AsyncGenerator<SessionEvent<TItem>> {
    if (options.afterSeq !== undefined && options.lastEventId !== undefined) {
      throw new TypeError('streamEvents: pass afterSeq (to start a stream) or lastEventId (to resume one), not both.');
    }
    return readEvents<TItem>({
      open: async (lastEventId, signal) => {
        const query = lastEventId ? '' : queryString({ afterSeq: options.afterSeq });
        const response = await this.request(session(sessionId) + '/events' + query, { signal }, headers => {
          headers.set('Accept', 'text/event-stream');
          if (lastEventId) headers.set('Last-Event-ID', lastEventId);
        });
        if (!response.ok) throw await apiError(response);
        return response;
      },
      lastEventId: options.lastEventId,
      signal: options.signal,
    });
  }

  /** `safeToRepeat` marks a write without a body that may be sent again (it carries an operation id). */
  private async send<T>(method: string, path: string, body?: unknown, safeToRepeat = false): Promise<T> {
    const repeatable = safeToRepeat || method === 'GET' || typeof (body as { operationId?: unknown } | undefined)?.operationId === 'string';
    const retries = repeatable ? this.options.retries ?? 3 : 0;
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await this.request(path, { method, body: body === undefined ? undefined : JSON.stringify(body) }, headers => {
          if (body !== undefined) headers.set('Content-Type', 'application/json');
        });
      } catch (error) {
        // TypeError: the connection failed (a CORS refusal is one too, but repeating it cannot help)
        if (attempt >= retries || !(error instanceof TypeError) || error instanceof SessionsCorsError) throw error;
        await delay(500 * (attempt + 1));
        continue;
      }
      if (!response.ok) {
        const error = await apiError(response);
        if (attempt >= retries || (error.status !== 429 && error.status !== 503)) throw error;
        await delay(Math.min(error.retryAfter ?? attempt + 1, 10) * 1000);
        continue;
      }
      if (response.status === 204) return undefined as T;
      const text = await response.text();
      return (text.length === 0 ? undefined : JSON.parse(text)) as T;
    }
  }

  /** One fetch with the caller's credentials; a 401 to a token from the callback is sent once more with a fresh
   * token. A request the browser blocked under CORS throws {@link SessionsCorsError} (never retried); a failed
   * connection throws fetch's TypeError. */
  private async request(path: string, init: RequestInit, setHeaders: (headers: Headers) => void): Promise<Response> {
    const fetchFn = this.options.fetch ?? globalThis.fetch;
    for (let renewed = false; ; renewed = true) {
      const headers = new Headers();
      if (this.options.apiKey) headers.set('X-Api-Key', this.options.apiKey);
      const token = this.tokens ? await this.tokens.get() : (this.options.token as string | undefined);
      if (token) headers.set('Authorization', `Bearer ${token}`);
      setHeaders(headers);
      let response: Response;
      try {
        response = await fetchFn(this.baseUrl + path, { ...init, headers });
      } catch (error) {
        if (!(error instanceof TypeError) || init.signal?.aborted) throw error;
        throw (await corsRefusal(fetchFn, this.baseUrl, Boolean(this.options.apiKey), error)) ?? error;
      }
      if (response.status !== 401 || !this.tokens || !token || renewed) return response;
      this.tokens.refused(token);
      await response.body?.cancel();
    }
  }
}

async function apiError(response: Response): Promise<SessionsApiError> {
  let problem: Problem | undefined;
  if (response.headers.get('content-type')?.includes('json')) {
    try {
      problem = (await response.json()) as Problem;
    } catch {
      problem = undefined;
    }
  }
  const retryAfter = Number(response.headers.get('retry-after') ?? NaN);
  return new SessionsApiError(response.status, problem, Number.isFinite(retryAfter) ? retryAfter : undefined);
}

function delay(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

function session(sessionId: string): string {
  return `/v1/sessions/${encodeURIComponent(sessionId)}`;
}

function data(sessionId: string, key: string): string {
  return `${session(sessionId)}/data/${encodeURIComponent(key)}`;
}

/** Only the parameters the route takes, each named here: the silo refuses any other (and null counts as absent). */
function queryString(parameters: Record<string, string | number | null | undefined>): string {
  const present = Object.entries(parameters).filter(([, value]) => value !== undefined && value !== null);
  return present.length === 0 ? '' : '?' + present.map(([name, value]) => `${name}=${encodeURIComponent(String(value))}`).join('&');
}
