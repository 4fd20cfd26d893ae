import { SessionsApiError, SessionsCorsError } from './errors.js';
import type { JsonObject, SessionEvent } from './types.js';

interface EventStreamSource {
  /** Opens the stream after `lastEventId` (or where the caller asked it to start, before any event); throws
   * SessionsApiError when the silo refuses. */
  open(lastEventId: string | undefined, signal: AbortSignal | undefined): Promise<Response>;
  lastEventId: string | undefined;
  signal: AbortSignal | undefined;
}

const reconnectDelayMs = 1000;

/** Server-Sent Events over fetch (so headers such as Authorization can be sent, in browsers too), re-opened from the
 * last event when the connection drops. */
export async function* readEvents<TItem = JsonObject>(source: EventStreamSource): AsyncGenerator<SessionEvent<TItem>> {
  let lastEventId = source.lastEventId;
  while (!source.signal?.aborted) {
    let response: Response;
    try {
      response = await source.open(lastEventId, source.signal);
    } catch (error) {
      if ((error instanceof SessionsApiError && error.status !== 503) || error instanceof SessionsCorsError) throw error;
      if (source.signal?.aborted) return;
      await delay(reconnectDelayMs);
      continue;
    }
    try {
      for await (const event of parse<TItem>(response.body!)) {
        lastEventId = event.id;
        yield event;
        if (event.type === 'deleted') return;
      }
    } catch (error) {
      if (source.signal?.aborted) return;
      if (!(error instanceof TypeError)) throw error; // a dropped connection surfaces as a TypeError from fetch
    }
    if (!source.signal?.aborted) await delay(reconnectDelayMs);
  }
}

/** The events of one text/event-stream body; comments (keep-alives) are skipped. */
async function* parse<TItem>(body: ReadableStream<Uint8Array>): AsyncGenerator<SessionEvent<TItem>> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffer = '';
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split('\n').filter(line => line.startsWith('data:')).map(line => line.slice(5).trimStart()).join('\n');
        if (data.length > 0) yield JSON.parse(data) as SessionEvent<TItem>;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined); // the consumer stopped early, or the stream ended: close it
  }
}

function delay(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
