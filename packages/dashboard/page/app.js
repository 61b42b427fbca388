// The dashboard page: one Server-Sent Events stream (/api/stream) brings the processes, the new
// trace events, the sessions that changed (plots as inline SVG rendered by the server) and the
// timing table; the data journeys are fetched on demand. Driver actions are POSTs with the token.
// Plain ES module, no build step, nothing loaded from outside.
/* global document, window, EventSource, fetch, sessionStorage, location, history, URLSearchParams, setInterval */

const MAX_EVENTS = 2000;
const SHOWN_EVENTS = 300;

const ui = {
  token: '',
  control: false,
  processes: [],
  sessions: new Map(),
  order: [],
  events: [],
  timing: undefined,
  expanded: new Set(),
  es: undefined,
};

const $ = (sel) => document.querySelector(sel);
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== undefined && c !== null) e.append(c);
  return e;
};

const fmtW = (w) => (w === undefined ? '–' : Math.abs(w) >= 1000 ? `${(w / 1000).toFixed(1)} kW` : `${Math.round(w)} W`);
const fmtWh = (wh) => (wh === undefined ? '–' : `${(wh / 1000).toFixed(2)} kWh`);
const fmtTime = (ts) => {
  const d = new Date(ts);
  return `${d.toLocaleTimeString([], { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
};

// ---- token -----------------------------------------------------------------------------------

function initToken() {
  const hash = new URLSearchParams(location.hash.slice(1));
  const fromHash = hash.get('token');
  if (fromHash) {
    sessionStorage.setItem('v2xsim-token', fromHash);
    history.replaceState(null, '', location.pathname);
  }
  ui.token = sessionStorage.getItem('v2xsim-token') ?? '';
  $('#token').value = ui.token;
  $('#token-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const t = $('#token').value.trim();
    const res = await fetch('/api/token', { method: 'POST', headers: { authorization: `Bearer ${t}` } });
    if (res.ok) {
      ui.token = t;
      sessionStorage.setItem('v2xsim-token', t);
      setControl(true);
    } else {
      setControl(false);
      $('#mode').textContent = 'wrong token';
    }
  });
}

function setControl(on) {
  ui.control = on;
  const m = $('#mode');
  m.textContent = on ? 'control' : 'read-only';
  m.className = `mode${on ? ' control' : ''}`;
  for (const b of document.querySelectorAll('.actions button, .actions input')) b.disabled = !on || b.closest('.session').classList.contains('ended');
}

// ---- stream ----------------------------------------------------------------------------------

function connect() {
  ui.es?.close();
  const es = new EventSource(`/api/stream${ui.token ? `?token=${encodeURIComponent(ui.token)}` : ''}`);
  ui.es = es;
  es.addEventListener('open', () => {
    $('#conn').textContent = 'live';
    $('#conn').className = 'conn live';
  });
  es.addEventListener('error', () => {
    $('#conn').textContent = 'reconnecting…';
    $('#conn').className = 'conn';
  });
  es.addEventListener('hello', (m) => {
    const d = JSON.parse(m.data);
    $('#title').textContent = d.title;
    document.title = `${d.title} — v2xsim dashboard`;
    setControl(d.control);
  });
  es.addEventListener('processes', (m) => {
    ui.processes = JSON.parse(m.data);
    renderProcesses();
  });
  es.addEventListener('events', (m) => {
    const batch = JSON.parse(m.data);
    ui.events.push(...batch);
    if (ui.events.length > MAX_EVENTS) ui.events.splice(0, ui.events.length - MAX_EVENTS);
    scheduleMessages();
  });
  es.addEventListener('sessions', (m) => {
    const d = JSON.parse(m.data);
    for (const id of d.gone) ui.sessions.delete(id);
    for (const s of d.changed) ui.sessions.set(s.id, s);
    ui.order = d.order;
    renderSessions(d.changed, d.gone);
  });
  es.addEventListener('timing', (m) => {
    ui.timing = JSON.parse(m.data);
    renderTiming();
  });
}

// ---- processes -------------------------------------------------------------------------------

function renderProcesses() {
  const nav = $('#processes');
  nav.replaceChildren(
    ...ui.processes.map((p) =>
      el('span', { class: `proc ${p.online ? 'online' : 'offline'}`, title: `${p.control}${p.error ? ` — ${p.error}` : ''}`, text: `${p.kind} ${p.actor}${p.state ? ` · ${p.state}` : ''}` }),
    ),
  );
  const actors = new Set(ui.processes.map((p) => p.actor));
  for (const e of ui.events) actors.add(e.actor);
  const sel = $('#f-actor');
  const current = sel.value;
  sel.replaceChildren(el('option', { value: '', text: 'all' }), ...[...actors].sort().map((a) => el('option', { value: a, text: a })));
  sel.value = current;
}

// ---- sessions --------------------------------------------------------------------------------

function sessionCard(s) {
  const card = el('article', { class: 'session', 'data-session': s.id });
  card.append(
    el('header', {}, el('h3', { class: 'title' }), el('span', { class: 'badge proto' }), el('span', { class: 'badge state' })),
    el('dl', { class: 'stats' }),
    el('div', { class: 'charts' }, el('div', { class: 'chart soc' }), el('div', { class: 'chart power' }), el('div', { class: 'chart price' })),
    el('p', { class: 'schedule' }),
    actionsOf(s),
  );
  return card;
}

function actionsOf(s) {
  const result = el('output', { class: 'result' });
  const minutes = el('input', { type: 'number', min: '1', step: '1', value: '120', 'aria-label': 'departure in sim minutes', class: 'departure-min' });
  const run = async (action, body, label) => {
    result.className = 'result';
    result.textContent = `${label}…`;
    try {
      const res = await fetch(`/api/sessions/${encodeURIComponent(s.id)}/${action}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ui.token}` },
        body: JSON.stringify(body),
      });
      const json = await res.json();
      if (!res.ok) throw new Error(json.message ?? res.statusText);
      result.textContent = `${label}: done via ${json.via} (${json.process} ${json.action})`;
    } catch (e) {
      result.className = 'result error';
      result.textContent = `${label}: ${e.message}`;
    }
  };
  const cur = () => ui.sessions.get(s.id) ?? s;
  return el(
    'div',
    { class: 'actions' },
    el('label', {}, 'departure in ', minutes, ' min '),
    el('button', { type: 'button', class: 'act-departure', onclick: () => run('departure', { departureS: Number(minutes.value) * 60 }, 'change departure time') }, 'Change departure'),
    el('button', { type: 'button', class: 'act-discharge', onclick: () => run('allow-discharge', { allowed: !(cur().dischargeAllowed ?? false) }, cur().dischargeAllowed ? 'forbid discharge' : 'allow discharge') }, 'Allow discharge'),
    el('button', { type: 'button', class: 'act-priority', onclick: (ev) => {
      const on = ev.currentTarget.dataset.on !== 'true';
      ev.currentTarget.dataset.on = String(on);
      void run('priority-charging', { enabled: on }, on ? 'priority charging' : 'priority charging off');
    } }, 'Priority charging'),
    el('button', { type: 'button', class: 'act-unplug', onclick: () => run('unplug', {}, 'unplug') }, 'Unplug'),
    result,
  );
}

function updateCard(card, s) {
  card.classList.toggle('ended', !s.live);
  card.dataset.live = String(s.live);
  card.dataset.powerPoints = String(s.powerPoints);
  card.dataset.renegotiations = String(s.renegotiations);
  card.dataset.schedules = String(s.schedules.length);
  card.querySelector('.title').textContent = `${s.ev ?? 'EV'} → ${s.evse ?? 'EVSE'}${s.stationId ? ` (${s.stationId})` : ''}`;
  card.querySelector('.proto').textContent = [s.protocol, s.service, s.controlMode].filter(Boolean).join(' · ') || 'ISO 15118';
  const st = card.querySelector('.state');
  st.textContent = s.live ? 'live' : `ended${s.stopReason ? `: ${s.stopReason}` : ''}`;
  st.className = `badge state${s.live ? ' live' : ''}`;
  const dep = s.needs?.departureS;
  const stats = [
    ['SoC', s.soc === undefined ? '–' : `${s.soc.toFixed(1)} %`],
    ['power', fmtW(s.powerW)],
    ['energy in', fmtWh(s.energyWh)],
    ['energy out', fmtWh(s.dischargedWh)],
    ['setpoint', fmtW(s.setpointW)],
    ['limit', fmtW(s.limitW)],
    ['discharge', s.dischargeAllowed === undefined ? '–' : s.dischargeAllowed ? 'allowed' : 'forbidden'],
    ['departure', dep === undefined ? '–' : `in ${Math.round(dep / 60)} min`],
  ];
  card.querySelector('.stats').replaceChildren(...stats.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })]));
  card.querySelector('.chart.soc').innerHTML = s.charts.soc;
  card.querySelector('.chart.power').innerHTML = s.charts.power;
  card.querySelector('.chart.price').innerHTML = s.charts.price;
  const last = s.schedules[s.schedules.length - 1];
  const sched = card.querySelector('.schedule');
  sched.className = `schedule${s.renegotiations > 0 ? ' renegotiated' : ''}`;
  sched.textContent = last
    ? `Schedule ${s.schedules.length}${s.renegotiations ? ` (renegotiated ×${s.renegotiations})` : ''}, received at ${Math.round(last.atS)} s: ` +
      last.entries.slice(0, 6).map((e) => `${Math.round(e.startS / 60)} min ${fmtW(e.powerW)}`).join(', ') +
      (last.entries.length > 6 ? ` … (${last.entries.length} entries)` : '') +
      (last.discharging ? `; discharge down to ${fmtW(Math.min(...last.discharging.map((e) => e.powerW)))}` : '')
    : 'No schedule yet.';
  card.querySelector('.act-discharge').textContent = s.dischargeAllowed ? 'Forbid discharge' : 'Allow discharge';
  for (const b of card.querySelectorAll('.actions button, .actions input')) b.disabled = !ui.control || !s.live;
}

const cards = new Map();

function renderSessions(changed, gone) {
  const box = $('#sessions');
  for (const id of gone) {
    cards.get(id)?.remove();
    cards.delete(id);
  }
  for (const s of changed) {
    if (!cards.has(s.id)) cards.set(s.id, sessionCard(s));
    updateCard(cards.get(s.id), s);
  }
  // the server's order: live first, then the most recent
  ui.order.forEach((id, i) => {
    const c = cards.get(id);
    if (c && box.children[i] !== c) box.insertBefore(c, box.children[i] ?? null);
  });
  $('#no-sessions').hidden = ui.sessions.size > 0;
  const sel = $('#j-session');
  const current = sel.value;
  sel.replaceChildren(el('option', { value: '', text: 'recent events' }), ...ui.order.map((id) => {
    const s = ui.sessions.get(id);
    return el('option', { value: id, text: `${s?.ev ?? 'EV'} → ${s?.evse ?? 'EVSE'} ${id}${s?.live ? ' (live)' : ''}` });
  }));
  sel.value = current;
}

// ---- messages --------------------------------------------------------------------------------

let messagesDue = false;
function scheduleMessages() {
  if (messagesDue || $('#f-pause').checked) return;
  messagesDue = true;
  window.setTimeout(() => {
    messagesDue = false;
    renderMessages();
  }, 400);
}

function problem(e) {
  return Boolean(e.error) || e.timing?.breach === true;
}

function renderMessages() {
  const link = $('#f-link').value;
  const actor = $('#f-actor').value;
  const dir = $('#f-dir').value;
  const text = $('#f-text').value.trim().toLowerCase();
  const problems = $('#f-problems').checked;
  const shown = [];
  for (let i = ui.events.length - 1; i >= 0 && shown.length < SHOWN_EVENTS; i--) {
    const e = ui.events[i];
    if (link && e.link !== link) continue;
    if (actor && e.actor !== actor) continue;
    if (dir && e.direction !== dir) continue;
    if (text && !e.message.toLowerCase().includes(text) && !(e.protocol ?? '').toLowerCase().includes(text)) continue;
    if (problems && !problem(e)) continue;
    shown.push(e);
  }
  const rows = [];
  for (const e of shown) {
    const t = e.timing;
    rows.push(
      el(
        'tr',
        { class: `msg${problem(e) ? ' problem' : ''}`, 'data-seq': e.seq, onclick: () => toggleBody(e.seq) },
        el('td', { text: fmtTime(e.ts) }),
        el('td', { text: e.actor }),
        el('td', { class: `dir-${e.direction}`, text: e.direction === 'tx' ? '→' : '←' }),
        el('td', { text: e.peer ?? '' }),
        el('td', { text: e.link }),
        el('td', { text: `${e.protocol}${e.version && e.version !== e.protocol ? ` ${e.version}` : ''}` }),
        el('td', { text: `${e.message}${e.error ? ` — ${e.error}` : ''}` }),
        el('td', { class: 'n', text: e.size ?? '' }),
        el('td', { class: t?.breach ? 'fail' : '', text: t ? `${t.elapsedMs.toFixed(1)} / ${t.budgetMs} ms ${t.kind}` : '' }),
      ),
    );
    if (ui.expanded.has(e.seq)) rows.push(el('tr', { class: 'body' }, el('td', { colspan: '9' }, el('pre', { text: JSON.stringify(e.body ?? null, null, 2) }))));
  }
  $('#messages tbody').replaceChildren(...rows);
  $('#msg-count').textContent = `${shown.length} shown of ${ui.events.length} received`;
}

function toggleBody(seq) {
  if (ui.expanded.has(seq)) ui.expanded.delete(seq);
  else ui.expanded.add(seq);
  renderMessages();
}

// ---- journeys --------------------------------------------------------------------------------

async function loadJourneys() {
  const session = $('#j-session').value;
  const res = await fetch(`/api/journeys${session ? `?session=${encodeURIComponent(session)}` : ''}${ui.token ? `${session ? '&' : '?'}token=${encodeURIComponent(ui.token)}` : ''}`);
  if (!res.ok) return;
  const d = await res.json();
  $('#j-info').textContent = `${d.journeys.length} data object(s) travelled in ${d.events} events${d.silent.length ? `; ${d.silent.length} did not` : ''}`;
  const open = new Set([...document.querySelectorAll('details.journey[open]')].map((x) => x.dataset.object));
  $('#journeys').replaceChildren(
    ...d.journeys.map((j) => {
      const det = el('details', { class: 'journey', 'data-object': j.object, open: open.has(j.object) });
      const reached = j.reached.map((r) => `${r.actor}${r.how === 'source' ? ' (source)' : r.delayMs !== undefined ? ` +${r.delayMs} ms` : ''}`).join(', ');
      det.append(el('summary', {}, el('strong', { text: j.label }), ` ${j.object} · ${j.hops} hop(s) · reached ${reached || '–'}${j.gaps.length ? ` · ${j.gaps.length} gap(s)` : ''}`));
      const svg = el('div', { class: 'seq' });
      svg.innerHTML = j.svg;
      det.append(svg);
      if (j.gaps.length) det.append(el('ul', {}, ...j.gaps.map((g) => el('li', { class: 'muted', text: `gap on ${g.link} (${g.kind}): ${g.reason}` }))));
      return det;
    }),
  );
}

// ---- timing ----------------------------------------------------------------------------------

function renderTiming() {
  const t = ui.timing;
  if (!t) return;
  const breached = t.rows.filter((r) => r.breaches > 0).length;
  $('#timing-info').textContent = `${t.rows.length} message/measure rows over the last ${t.events} events; ${breached ? `${breached} with breaches` : 'no budget broken'}; ${t.renegotiations.length} renegotiation(s)`;
  $('#timing tbody').replaceChildren(
    ...t.rows.map((r) =>
      el(
        'tr',
        { class: r.breaches ? 'breach' : '' },
        el('td', { text: r.protocol }),
        el('td', { text: r.message }),
        el('td', { text: r.measure }),
        el('td', { class: 'n', text: r.n }),
        el('td', { class: 'n', text: r.p50 }),
        el('td', { class: 'n', text: r.p99 }),
        el('td', { class: 'n', text: r.max }),
        el('td', { text: r.budget ? `${r.budget} ${r.budgetMs} ms` : '–' }),
        el('td', { class: `n${r.breaches ? ' fail' : ''}`, text: r.breaches }),
      ),
    ),
  );
  $('#breaches').replaceChildren(
    ...(t.breaches.length
      ? [el('details', {}, el('summary', { text: `${t.breaches.length} breach(es)` }), el('ul', {}, ...t.breaches.slice(-50).reverse().map((b) => el('li', { class: 'fail', text: `${fmtTime(b.ts)} ${b.actor} ${b.protocol} ${b.message} ${b.measure}: ${b.elapsedMs} ms > ${b.budget} ${b.budgetMs} ms` }))))]
      : []),
  );
}

// ---- start -----------------------------------------------------------------------------------

initToken();
for (const id of ['#f-link', '#f-actor', '#f-dir', '#f-text', '#f-problems', '#f-pause']) $(id).addEventListener('input', () => renderMessages());
$('#filters').addEventListener('submit', (ev) => ev.preventDefault());
$('#journey-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  void loadJourneys();
});
$('#j-session').addEventListener('change', () => void loadJourneys());
connect();
void loadJourneys();
// the journeys are recomputed on the server: only while their section is on screen
setInterval(() => {
  const box = $('#journeys-section').getBoundingClientRect();
  if (document.visibilityState === 'visible' && box.top < window.innerHeight && box.bottom > 0) void loadJourneys();
}, 5000);
