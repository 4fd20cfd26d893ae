'use strict';
// The conversation inspector: lists a user's conversations and shows one as a transcript, following it live, with
// its fork parent and forks, usage and cap; an item can be forked from or rewound to.
// Credentials come from the form or the page's fragment (#token=…&user=…), which browsers never send to a server.

const state = { token: '', user: '', sessionId: null, info: null, sessions: [], stream: null, outputs: new Map(), calls: new Map() };
const $ = id => document.getElementById(id);

function headers(extra = {}) {
  return state.token ? { ...extra, Authorization: `Bearer ${state.token}` } : extra;
}

async function api(path, { method = 'GET', body } = {}) {
  const init = { method, headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }) };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(path, init);
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

/** One transcript entry for an item; tool outputs attach to their call's entry instead, which then stands for both
 * (its seq becomes the output's, so forking or rewinding there never splits a call from its output). */
function render(item, seq) {
  const type = item.type ?? (item.role ? 'message' : 'unknown');
  if (type === 'function_call_result' || type === 'function_call_output') {
    const text = outputText(item);
    const call = state.calls.get(callIdOf(item));
    if (call) {
      call.querySelector('.output').textContent = `→ ${text}`;
      setSeq(call, seq);
    } else {
      state.outputs.set(callIdOf(item), { text, seq });
    }
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
  entry.append(actions(entry));
  setSeq(entry, seq);
  const pending = state.outputs.get(callIdOf(item));
  if (pending !== undefined && entry.querySelector('.output')) {
    entry.querySelector('.output').textContent = `→ ${pending.text}`;
    setSeq(entry, pending.seq);
    state.outputs.delete(callIdOf(item));
  }
  return entry;
}

/** The seq an entry's buttons act on, shown on it so the dialog's "#N" can be found in the transcript. */
function setSeq(entry, seq) {
  entry.dataset.seq = seq;
  entry.querySelector('.seq').textContent = `#${seq}`;
}

function actions(entry) {
  const bar = element('div', 'actions');
  const seq = element('span', 'seq');
  const fork = element('button', 'fork', 'Fork from here');
  const rewind = element('button', 'rewind', 'Rewind to here');
  fork.type = rewind.type = 'button';
  fork.addEventListener('click', () => forkFrom(Number(entry.dataset.seq)));
  rewind.addEventListener('click', () => rewindTo(Number(entry.dataset.seq)));
  bar.append(seq, fork, rewind);
  return bar;
}

function show(items) {
  for (const stored of items) {
    const entry = render(stored.item, stored.seq);
    if (entry) $('transcript').append(entry);
  }
}

/** Asks in the page's own dialog; true when the person confirms. */
function confirmed(text) {
  const dialog = $('confirm');
  $('confirm-text').textContent = text;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise(resolve => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'yes'), { once: true }));
}

async function forkFrom(seq) {
  const source = state.info;
  if (!(await confirmed(`Fork “${source.title || source.sessionId}” through item #${seq} into a new conversation?`))) return;
  try {
    const fork = await api(`/v1/sessions/${encodeURIComponent(source.sessionId)}/fork`, {
      method: 'POST', body: { throughSeq: seq, title: `${source.title || source.sessionId} (fork)` },
    });
    await list();
    await openById(fork.sessionId);
  } catch (error) {
    $('live').textContent = `Could not fork: ${error.message}`;
  }
}

async function rewindTo(seq) {
  const sessionId = state.sessionId;
  if (!(await confirmed(`Remove every item after #${seq}? This cannot be undone.`))) return;
  try {
    const result = await api(`/v1/sessions/${encodeURIComponent(sessionId)}/items?afterSeq=${seq}`, { method: 'DELETE' });
    if (state.sessionId !== sessionId) return;
    await loadTranscript();
    await showDetails();
    $('live').textContent = `Removed ${result.removedCount} item${result.removedCount === 1 ? '' : 's'} after #${seq}.`;
  } catch (error) {
    $('live').textContent = `Could not rewind: ${error.message}`;
  }
}

function sessionButton(sessionId, text) {
  const button = element('button', '', text);
  button.type = 'button';
  button.addEventListener('click', () => openById(sessionId));
  return button;
}

function tokens(totals) {
  const parts = [`${totals.inputTokens.toLocaleString()} in`, `${totals.outputTokens.toLocaleString()} out`,
    `${totals.totalTokens.toLocaleString()} tokens`];
  if (totals.cachedTokens) parts.push(`${totals.cachedTokens.toLocaleString()} cached`);
  if (totals.reasoningTokens) parts.push(`${totals.reasoningTokens.toLocaleString()} reasoning`);
  parts.push(`${totals.requests.toLocaleString()} request${totals.requests === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

function describe(name, value) {
  const term = element('dt', '', name);
  const definition = element('dd');
  definition.append(...value);
  $('details').append(term, definition);
}

/** The session's fork parent and forks, usage and cap, from a fresh read of its description. */
async function showDetails() {
  const info = state.info = await api(`/v1/sessions/${encodeURIComponent(state.sessionId)}`);
  $('details').replaceChildren();
  // lastSeq never moves back (a rewind or trim leaves it), so the newest seq is the transcript's last entry's.
  const newest = $('transcript').lastElementChild?.dataset.seq;
  describe('Items', [info.itemCount > 0 && newest ? `${info.itemCount} (newest #${newest})` : `${info.itemCount}`]);
  if (info.forkedFrom) {
    const parent = state.sessions.find(s => s.sessionId === info.forkedFrom.sessionId);
    describe('Forked from', [sessionButton(info.forkedFrom.sessionId, parent?.title || info.forkedFrom.sessionId), ` at #${info.forkedFrom.seq}`]);
  }
  const forks = state.sessions.filter(s => s.forkedFrom?.sessionId === info.sessionId);
  if (forks.length > 0) describe('Forks', forks.flatMap((fork, i) => [i > 0 ? ' ' : '', sessionButton(fork.sessionId, fork.title || fork.sessionId)]));
  if (info.usage) {
    describe('Usage', [tokens(info.usage)]);
    for (const [model, totals] of Object.entries(info.usage.byModel ?? {})) describe(`· ${model}`, [tokens(totals)]);
    for (const [agent, totals] of Object.entries(info.usage.byAgent ?? {})) describe(`· agent ${agent}`, [tokens(totals)]);
  }
  if (info.maxItems != null || info.maxBytes != null) {
    const caps = [info.maxItems != null ? `${info.maxItems} items` : '', info.maxBytes != null ? `${info.maxBytes} bytes` : ''].filter(Boolean);
    describe('Keeps', [`at most ${caps.join(' and ')}; ${info.trimmedItems ?? 0} trimmed so far`]);
  }
  $('details').hidden = false;
  const listed = state.sessions.findIndex(s => s.sessionId === info.sessionId);
  if (listed >= 0) state.sessions[listed] = info;
  const summary = document.querySelector(`nav button[data-session-id="${CSS.escape(info.sessionId)}"] small`);
  if (summary) summary.textContent = summaryOf(info);
}

function summaryOf(info) {
  return `${info.itemCount} item${info.itemCount === 1 ? '' : 's'} · ${new Date(info.updatedAt).toLocaleString()}${info.forkedFrom ? ' · fork' : ''}`;
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
          if (state.sessionId === sessionId) await showDetails();
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      $('live').textContent = `Reconnecting… (${error.message})`;
    }
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
}

async function openById(sessionId) {
  const info = state.sessions.find(s => s.sessionId === sessionId) ?? { sessionId };
  await open(info);
}

async function open(info) {
  state.stream?.abort();
  state.sessionId = info.sessionId;
  document.querySelectorAll('nav button').forEach(b => b.setAttribute('aria-current', String(b.dataset.sessionId === info.sessionId)));
  $('title').textContent = info.title || info.sessionId;
  $('live').textContent = '';
  $('details').hidden = true;
  try {
    await loadTranscript();
    await showDetails();
    $('title').textContent = state.info.title || state.info.sessionId;
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
    state.sessions = page.sessions;
    for (const info of page.sessions) {
      const button = element('button');
      button.type = 'button';
      button.dataset.sessionId = info.sessionId;
      button.setAttribute('aria-current', String(info.sessionId === state.sessionId));
      button.append(element('strong', '', info.title || info.sessionId), element('small', '', summaryOf(info)));
      button.addEventListener('click', () => open(info));
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
