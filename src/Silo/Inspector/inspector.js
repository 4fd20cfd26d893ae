'use strict';
// The conversation inspector: lists a user's conversations and shows one as a transcript, following it live.
// Credentials come from the form or the page's fragment (#token=…&user=…), which browsers never send to a server.

const state = { token: '', user: '', sessionId: null, stream: null, outputs: new Map(), calls: new Map() };
const $ = id => document.getElementById(id);

function headers(extra = {}) {
  return state.token ? { ...extra, Authorization: `Bearer ${state.token}` } : extra;
}

async function api(path) {
  const response = await fetch(path, { headers: headers() });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new Error(problem.detail || problem.title || `HTTP ${response.status}`);
  }
  return response.status === 204 ? null : response.json();
}

function userOfToken(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload)).sub || '';
  } catch {
    return '';
  }
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function textOf(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map(part => (typeof part === 'string' ? part : part.text ?? part.refusal ?? (part.type ? `[${part.type}]` : ''))).join('');
  }
  if (content && typeof content === 'object') return content.text ?? JSON.stringify(content);
  return '';
}

function callIdOf(item) {
  return item.callId ?? item.call_id;
}

function outputText(item) {
  const output = item.output;
  if (typeof output === 'string') return output;
  if (output && typeof output === 'object') return output.text ?? textOf(output.content) ?? JSON.stringify(output);
  return JSON.stringify(output);
}

/** One transcript entry for an item; tool outputs attach to their call's entry instead. */
function render(item) {
  const type = item.type ?? (item.role ? 'message' : 'unknown');
  if (type === 'function_call_result' || type === 'function_call_output') {
    const text = outputText(item);
    const call = state.calls.get(callIdOf(item));
    if (call) call.querySelector('.output').textContent = `→ ${text}`;
    else state.outputs.set(callIdOf(item), text);
    return null;
  }
  let entry;
  if (type === 'message') {
    entry = element('li', `entry ${item.role}`);
    entry.append(element('div', 'kind', item.role), element('div', 'text', textOf(item.content)));
  } else if (type === 'function_call' && /^transfer_to_/.test(item.name)) {
    entry = element('li', 'entry handoff');
    entry.append(element('div', 'kind', 'Handoff'), element('div', 'text', `→ ${item.name.replace(/^transfer_to_/, '')}`), element('div', 'output'));
    state.calls.set(callIdOf(item), entry);
  } else if (type === 'function_call') {
    entry = element('li', 'entry tool');
    const call = element('div', 'text');
    call.append(element('code', '', `${item.name}(${item.arguments ?? ''})`));
    entry.append(element('div', 'kind', 'Tool call'), call, element('div', 'output'));
    state.calls.set(callIdOf(item), entry);
  } else if (type === 'reasoning') {
    entry = element('li', 'entry reasoning');
    const text = textOf(item.content) || textOf(item.summary) || '(hidden)';
    entry.append(element('div', 'kind', 'Reasoning'), element('div', 'text', text));
  } else {
    entry = element('li', 'entry');
    entry.append(element('div', 'kind', type), element('pre', '', JSON.stringify(item, null, 2)));
  }
  const pending = state.outputs.get(callIdOf(item));
  if (pending !== undefined && entry.querySelector('.output')) {
    entry.querySelector('.output').textContent = `→ ${pending}`;
    state.outputs.delete(callIdOf(item));
  }
  return entry;
}

function show(items) {
  for (const stored of items) {
    const entry = render(stored.item);
    if (entry) {
      entry.dataset.seq = stored.seq;
      $('transcript').append(entry);
    }
  }
}

async function loadTranscript() {
  const page = await api(`/v1/sessions/${encodeURIComponent(state.sessionId)}/items`);
  $('transcript').replaceChildren();
  state.outputs.clear();
  state.calls.clear();
  show(page.items);
  return page;
}

async function follow(sessionId, signal) {
  // Server-Sent Events over fetch, so the token goes in a header; re-opened from the last event when dropped.
  let lastEventId = null;
  while (!signal.aborted && state.sessionId === sessionId) {
    try {
      const response = await fetch(`/v1/sessions/${encodeURIComponent(sessionId)}/events`, {
        headers: headers(lastEventId ? { 'Last-Event-ID': lastEventId, Accept: 'text/event-stream' } : { Accept: 'text/event-stream' }),
        signal,
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      $('live').textContent = 'Live: following changes';
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      while (true) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').filter(l => l.startsWith('data:')).map(l => l.slice(5).trim()).join('\n');
          if (!data) continue;
          const event = JSON.parse(data);
          lastEventId = event.id;
          if (event.type === 'append') show(event.items);
          else if (event.type === 'deleted') { $('live').textContent = 'This conversation was deleted.'; return; }
          else await loadTranscript();
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      $('live').textContent = `Reconnecting… (${error.message})`;
    }
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
}

async function open(info, button) {
  state.stream?.abort();
  state.sessionId = info.sessionId;
  document.querySelectorAll('nav button').forEach(b => b.setAttribute('aria-current', String(b === button)));
  $('title').textContent = info.title || info.sessionId;
  $('live').textContent = '';
  try {
    await loadTranscript();
    state.stream = new AbortController();
    follow(info.sessionId, state.stream.signal);
  } catch (error) {
    $('live').textContent = `Could not load the conversation: ${error.message}`;
  }
}

async function list() {
  $('sessions').replaceChildren();
  $('sessions-status').textContent = 'Loading…';
  try {
    const page = await api(`/v1/users/${encodeURIComponent(state.user)}/sessions?limit=100`);
    for (const info of page.sessions) {
      const button = element('button');
      button.type = 'button';
      button.append(element('strong', '', info.title || info.sessionId),
        element('small', '', `${info.itemCount} items · ${new Date(info.updatedAt).toLocaleString()}`));
      button.addEventListener('click', () => open(info, button));
      const item = element('li');
      item.append(button);
      $('sessions').append(item);
    }
    $('sessions-status').textContent = page.sessions.length === 0 ? 'No conversations.' : '';
  } catch (error) {
    $('sessions-status').textContent = `Could not list conversations: ${error.message}`;
  }
}

$('who').addEventListener('submit', event => {
  event.preventDefault();
  state.token = $('token').value.trim();
  state.user = $('user').value.trim() || userOfToken(state.token);
  $('user').value = state.user;
  list();
});

const fragment = new URLSearchParams(location.hash.slice(1));
if (fragment.get('token') || fragment.get('user')) {
  $('token').value = fragment.get('token') ?? '';
  $('user').value = fragment.get('user') ?? userOfToken(fragment.get('token') ?? '');
  history.replaceState(null, '', location.pathname); // the token does not stay in the address bar
  $('who').requestSubmit();
}
