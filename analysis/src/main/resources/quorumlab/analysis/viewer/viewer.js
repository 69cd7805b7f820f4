// quorumlab view: draws the state the server (or an exported file) gives for a virtual instant.
// No framework; every picture is plain SVG or HTML built here.
(function () {
  'use strict';
  const SVG = 'http://www.w3.org/2000/svg';
  const MS = 1e6;
  // Okabe-Ito, as in viewer.css
  const C = { orange: '#E69F00', sky: '#56B4E9', green: '#009E73', yellow: '#F0E442', blue: '#0072B2',
    vermillion: '#D55E00', purple: '#CC79A7', grey: '#999999', ink: '#1a1a1a' };
  const ROLE_FILL = { LEADER: C.orange, CANDIDATE: C.sky, PRE_CANDIDATE: C.yellow, FOLLOWER: '#ffffff', DOWN: '#d9d9d9' };
  const ROLE_WORD = { LEADER: 'leader', CANDIDATE: 'candidate', PRE_CANDIDATE: 'pre-cand.', FOLLOWER: 'follower', DOWN: 'down' };
  const WINDOW_FILL = { crash: C.vermillion, cut: C.purple, loss: C.yellow, delay: C.orange, duplicate: C.sky,
    reorder: C.sky, 'latency-matrix': C.orange, pause: C.grey, mark: C.ink };
  // Elections (RequestVote, Prepare, Promise) in vermillion, replication in blue, everything else green.
  function msgColour(type) {
    if (/Vote|Prepare|Promise|Nack|Timeout/i.test(type)) return C.vermillion;
    if (/Append|Accept|Snapshot|CatchUp|Chosen|Commit/i.test(type)) return C.blue;
    return C.green;
  }

  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, parent) => {
    const e = tag.startsWith('svg:') ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  };

  // ---- where the states come from: the server, or the data inlined by --export ----
  const exported = window.QL_EXPORT;
  const source = exported ? {
    info: () => Promise.resolve(Object.assign({ protocols: exported.frames.length ? exported.frames[0].protocols.map(p => p.protocol) : [] }, exported.info)),
    state: (t) => {
      const i = Math.max(0, Math.min(exported.frames.length - 1, Math.floor(t / exported.info.step)));
      return Promise.resolve(Object.assign({ windows: exported.windows, window: exported.info.step }, exported.frames[i]));
    },
    next: (t) => Promise.resolve({ t: Math.min(exported.info.end, (Math.floor(t / exported.info.step) + 1) * exported.info.step) }),
  } : {
    info: () => fetch('api/info').then(answer),
    state: (t, w) => fetch('api/state?t=' + Math.round(t) + '&window=' + Math.round(w)).then(answer).then(s => Object.assign(s, { window: w })),
    next: (t) => fetch('api/next?t=' + Math.round(t)).then(answer),
    act: (a) => fetch('api/action', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(a) }).then(answer),
  };
  function answer(r) {
    return r.json().then(body => {
      if (!r.ok) throw new Error(body.error || ('HTTP ' + r.status));
      return body;
    });
  }

  // ---- the clock ----
  const view = { info: null, t: 0, playing: false, speed: 0.1, state: null, loading: false, wanted: -1,
    partitioning: false, picked: new Set(), lastReal: 0, drawn: null };

  function showError(text) {
    const e = $('error');
    e.textContent = text || '';
    e.hidden = !text;
  }

  function hint(text) { $('hint').textContent = text || ''; }

  function setTime(t) {
    const end = view.info ? view.info.end : 0;
    view.t = Math.max(0, Math.min(end, t));
    if (view.t >= end && view.playing) togglePlay(false);
  }

  function frameWindow() {
    // Ask for the messages of the next quarter second of real time, at least 20 ms of virtual time.
    return Math.min(1e9, Math.max(20 * MS, view.speed * 250 * MS));
  }

  function fetchState(force) {
    const s = view.state;
    const covered = s && !force && view.t >= s.t && view.t <= s.t + s.window * 0.8;
    if (covered || view.loading) {
      if (force) view.wanted = view.t;
      return;
    }
    view.loading = true;
    const t = view.t;
    source.state(t, frameWindow()).then(st => {
      view.state = st;
      view.drawn = null;
      showError(st.error || (view.info && view.info.error));
      buildPanels(st);
    }).catch(err => showError(String(err.message || err))).finally(() => {
      view.loading = false;
      if (view.wanted >= 0) {
        view.wanted = -1;
        fetchState(true);
      }
    });
  }

  function tick(now) {
    const dt = view.lastReal ? (now - view.lastReal) : 0;
    view.lastReal = now;
    if (view.playing) setTime(view.t + dt * MS * view.speed);
    fetchState(false);
    // nothing moves while paused: draw only when the instant, the state or the selection changed
    const key = view.t + '|' + (view.state ? view.state.t + ':' + view.state.window : '') + '|' + [...view.picked].join(',');
    if (key !== view.drawn) {
      view.drawn = key;
      draw();
    }
    requestAnimationFrame(tick);
  }

  function togglePlay(on) {
    view.playing = on === undefined ? !view.playing : on;
    $('play').innerHTML = view.playing ? '&#10074;&#10074; Pause' : '&#9654; Play';
  }

  function step() {
    togglePlay(false);
    source.next(view.t).then(n => {
      setTime(n.t);
      fetchState(true);
    });
  }

  // ---- panels ----
  const panels = {};

  function buildPanels(st) {
    const main = $('panels');
    for (const p of st.protocols) {
      if (panels[p.protocol]) continue;
      const div = el('section', { class: 'panel', 'data-protocol': p.protocol }, main);
      const h = el('h2', {}, div);
      h.textContent = p.protocol;
      const leader = el('span', { class: 'leader', 'data-leader': '' }, h);
      const err = el('div', { class: 'perror' }, div);
      const svg = el('svg:svg', { class: 'cluster', viewBox: '0 0 420 270', role: 'img', 'aria-label': p.protocol + ' cluster' }, div);
      const log = el('div', { class: 'log' }, div);
      const clients = el('div', { class: 'clients' }, div);
      const links = el('svg:g', {}, svg), nodes = el('svg:g', {}, svg), msgs = el('svg:g', {}, svg);
      panels[p.protocol] = { div, leader, err, svg, links, nodesLayer: nodes, msgs, log, clients, nodes: {} };
    }
  }

  function nodePositions(nodes) {
    const pos = {};
    const n = nodes.length;
    nodes.forEach((node, i) => {
      const a = -Math.PI / 2 + i * 2 * Math.PI / n;
      pos[node.id] = { x: 210 + 150 * Math.cos(a), y: 138 + 108 * Math.sin(a) };
    });
    return pos;
  }

  function draw() {
    const st = view.state;
    $('time').textContent = (view.t / 1e9).toFixed(4) + ' s';
    $('time').setAttribute('data-t', String(Math.round(view.t)));
    if (view.info && document.activeElement !== $('scrub')) $('scrub').value = String(Math.round(1000 * view.t / Math.max(1, view.info.end)));
    drawTimeline(st);
    if (!st) return;
    for (const p of st.protocols) drawPanel(p, panels[p.protocol]);
  }

  function drawPanel(p, panel) {
    if (!panel) return;
    panel.err.textContent = p.error || '';
    if (p.error) return;
    panel.leader.textContent = p.leader ? 'leader ' + p.leader : 'no leader';
    panel.div.setAttribute('data-leader', p.leader || '');
    panel.div.setAttribute('data-t', String(p.t));
    const svg = panel.links;
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    while (panel.msgs.firstChild) panel.msgs.removeChild(panel.msgs.firstChild);
    const pos = nodePositions(p.nodes);
    const t = view.t;
    // links cut by an open partition are drawn dashed
    const cutGroups = openCut(p.protocol, t);
    for (let i = 0; i < p.nodes.length; i++) {
      for (let j = i + 1; j < p.nodes.length; j++) {
        const a = pos[p.nodes[i].id], b = pos[p.nodes[j].id];
        const cut = cutGroups && group(cutGroups, p.nodes[i].id) !== group(cutGroups, p.nodes[j].id);
        el('svg:line', { x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: cut ? C.vermillion : '#e3e3e3',
          'stroke-dasharray': cut ? '4 4' : '', 'stroke-width': cut ? 1.5 : 1 }, svg);
      }
    }
    for (const node of p.nodes) drawNode(panel, node, pos[node.id], p, t);
    drawMessages(panel.msgs, p, pos, t);
    drawLog(panel.log, p);
    drawClients(panel.clients, p, t);
  }

  function group(groups, id) {
    for (let g = 0; g < groups.length; g++) if (groups[g].indexOf(id) >= 0) return g;
    return -1;
  }

  function openCut(protocol, t) {
    const st = view.state;
    const ws = st && st.windows && st.windows[protocol];
    if (!ws) return null;
    let groups = null;
    for (const w of ws) {
      if (w.kind !== 'cut' || w.from > t || (w.to !== null && w.to <= t)) continue;
      const parts = w.label.replace(/^\S+\s*/, '').split('|').map(s => s.trim().split(',').filter(Boolean));
      if (parts.length > 1) groups = parts;
    }
    return groups;
  }

  // A node's elements are made once and updated in place, so a click is never lost to a redraw.
  function nodeElements(panel, node, at) {
    let e = panel.nodes[node.id];
    if (e) return e;
    const g = el('svg:g', { class: 'node', tabindex: '0', 'data-node': node.id, role: 'button' }, panel.nodesLayer);
    e = { g };
    e.track = el('svg:circle', { cx: at.x, cy: at.y, r: 33, fill: 'none', stroke: '#eee', 'stroke-width': 5 }, g);
    e.ring = el('svg:circle', { cx: at.x, cy: at.y, r: 33, fill: 'none', 'stroke-width': 5,
      transform: 'rotate(-90 ' + at.x + ' ' + at.y + ')' }, g);
    e.body = el('svg:circle', { class: 'body', cx: at.x, cy: at.y, r: 27 }, g);
    e.name = el('svg:text', { x: at.x, y: at.y - 6 }, g);
    e.role = el('svg:text', { class: 'role', x: at.x, y: at.y + 5 }, g);
    e.term = el('svg:text', { class: 'role', x: at.x, y: at.y + 15 }, g);
    e.cross = el('svg:path', { d: 'M' + (at.x - 18) + ' ' + (at.y - 18) + 'l36 36m0 -36l-36 36', stroke: C.vermillion, 'stroke-width': 3 }, g);
    e.badge = el('svg:rect', { x: at.x + 18, y: at.y - 34, width: 18, height: 13, rx: 3, fill: C.purple }, g);
    e.count = el('svg:text', { x: at.x + 27, y: at.y - 24, fill: '#fff' }, g);
    e.count.style.fontSize = '9px';
    e.node = node;
    g.addEventListener('click', () => onNode(e.node));
    g.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') onNode(e.node); });
    panel.nodes[node.id] = e;
    return e;
  }

  function drawNode(panel, node, at, p, t) {
    const e = nodeElements(panel, node, at);
    e.node = node;
    e.g.setAttribute('data-role', node.role);
    e.g.setAttribute('data-up', String(node.up));
    e.g.setAttribute('aria-label', node.id + ' ' + ROLE_WORD[node.role] + ', ' + (p.protocol === 'raft' ? 'term ' : 'ballot ') + node.term);
    e.g.classList.toggle('selected', view.picked.has(node.id));
    // the timer ring: what is left of the election timer (a leader: of its heartbeat)
    const timer = node.timers.find(x => x.name === (node.role === 'LEADER' ? 'heartbeat' : 'election'));
    const left = timer && node.up ? Math.max(0, Math.min(1, (timer.due - t) / Math.max(1, timer.due - timer.set))) : 0;
    const len = 2 * Math.PI * 33;
    e.ring.setAttribute('stroke', node.role === 'LEADER' ? C.green : C.blue);
    e.ring.setAttribute('stroke-dasharray', (len * left) + ' ' + len);
    e.track.setAttribute('visibility', timer && node.up ? 'visible' : 'hidden');
    e.body.setAttribute('fill', ROLE_FILL[node.role] || '#fff');
    e.body.setAttribute('stroke-dasharray', node.up ? '' : '4 3');
    e.name.textContent = node.id + (node.paused ? ' ‖' : '');
    e.role.textContent = ROLE_WORD[node.role] || node.role;
    e.term.textContent = (p.protocol === 'raft' ? 'term ' : 'ballot ') + node.term;
    e.cross.setAttribute('visibility', node.up ? 'hidden' : 'visible');
    const pending = p.requests.filter(r => r.node === node.id).length;
    e.badge.setAttribute('visibility', pending ? 'visible' : 'hidden');
    e.count.textContent = pending ? String(pending) : '';
  }

  function drawMessages(svg, p, pos, t) {
    const labelled = new Set();
    for (const m of p.messages) {
      if (m.sent > t) continue;
      const arrives = m.arrives === null ? m.sent + 3 * MS : m.arrives;
      if (arrives <= t && m.arrives !== null) continue;
      const a = pos[m.from], b = pos[m.to];
      if (!a || !b) continue;
      const f = Math.max(0, Math.min(1, (t - m.sent) / Math.max(1, arrives - m.sent)));
      const x = a.x + (b.x - a.x) * f, y = a.y + (b.y - a.y) * f;
      const g = el('svg:g', { class: 'msg', 'data-type': m.type }, svg);
      const colour = msgColour(m.type);
      el('svg:circle', { cx: x, cy: y, r: 4.5, fill: m.dropped ? '#fff' : colour, stroke: colour, 'stroke-width': 1.5 }, g);
      // one label per type and link, so a pipeline of Accepts does not bury the picture
      const key = m.type + m.from + m.to;
      if (!labelled.has(key)) {
        labelled.add(key);
        const txt = el('svg:text', { x: x + 6, y: y - 4 }, g);
        txt.textContent = m.type + (m.dropped ? ' ✗' : '');
      }
    }
  }

  function drawLog(div, p) {
    div.textContent = '';
    const lo = p.log.from, hi = p.log.to;
    for (const node of p.nodes) {
      const row = el('div', { class: 'row', 'data-node': node.id }, div);
      el('span', { class: 'who' }, row).textContent = node.id;
      const cells = p.log.cells[node.id] || '';
      const last = cells.replace(/\.+$/, '').length;
      for (let i = 0; i < cells.length; i++) {
        const ch = cells[i];
        const lower = ch.toLowerCase();
        let cls = 'cell';
        if (lower === 'a' || lower === 'c' || lower === 'x') cls += ' ' + lower;
        else if (i < last) cls += ' hole';
        if (ch !== lower) cls += ' noop';
        const c = el('span', { class: cls, title: node.id + ' index ' + (lo + i) + ': ' + cellWord(ch, i < last) }, row);
        c.setAttribute('data-index', String(lo + i));
      }
    }
    if (hi >= lo && hi > 0) {
      const idx = el('div', { class: 'idx' }, div);
      el('span', {}, idx).textContent = String(lo);
      el('span', {}, idx).textContent = String(hi);
    }
  }

  function cellWord(ch, below) {
    const lower = ch.toLowerCase();
    const w = lower === 'a' ? 'accepted' : lower === 'c' ? 'committed / chosen' : lower === 'x' ? 'applied' : below ? 'hole' : 'empty';
    return w + (ch !== lower ? ' (no-op)' : '');
  }

  function drawClients(div, p, t) {
    div.textContent = '';
    const line = el('div', {}, div);
    const reqs = p.requests.slice(-4).map(r => 'c' + r.client + ':' + r.seq + ' ' + r.op + ' ' + r.key + ' → ' + r.node
      + ' (' + Math.round((t - r.t) / MS) + ' ms)');
    line.textContent = 'waiting: ' + (reqs.length ? reqs.join(' · ') : 'none');
    const replies = el('div', {}, div);
    replies.textContent = 'replies: ';
    for (const r of p.replies.filter(x => x.t <= t).slice(-5)) {
      const s = el('span', { class: r.outcome === 'ok' ? 'ok' : 'bad' }, replies);
      s.textContent = 'c' + r.client + ':' + r.seq + ' ' + r.outcome + (r.node ? ' from ' + r.node : '') + '  ';
    }
  }

  // ---- the shared timeline ----
  function drawTimeline(st) {
    const svg = $('timeline');
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    if (!view.info) return;
    const w = svg.clientWidth || 1000, h = svg.clientHeight || 64, end = Math.max(1, view.info.end);
    const x = (t) => 60 + (w - 70) * t / end;
    const ws = st && st.windows ? st.windows : {};
    // live: what lies past the simulated time is not known yet (an open window ends there, for now)
    const known = st && st.known !== undefined ? Math.min(end, st.known) : end;
    if (known < end) el('svg:rect', { x: x(known), y: 0, width: x(end) - x(known), height: h, fill: '#efefef' }, svg);
    const names = Object.keys(ws);
    names.forEach((name, lane) => {
      const y = 6 + lane * 22;
      const label = el('svg:text', { x: 4, y: y + 13 }, svg);
      label.style.fontSize = '11px';
      label.textContent = name;
      el('svg:line', { x1: x(0), y1: y + 9, x2: x(end), y2: y + 9, stroke: '#ddd' }, svg);
      for (const win of ws[name]) {
        const x0 = x(win.from), x1 = x(win.to === null ? Math.max(known, win.from) : win.to);
        const r = el('svg:rect', { x: x0, y: y + 2, width: Math.max(2, x1 - x0), height: 15, fill: WINDOW_FILL[win.kind] || C.grey,
          opacity: win.kind === 'mark' ? 1 : 0.75 }, svg);
        const title = el('svg:title', {}, r);
        title.textContent = win.label + ' at ' + (win.from / 1e9).toFixed(3) + ' s' + (win.to !== null && win.to !== win.from ? ' until ' + (win.to / 1e9).toFixed(3) + ' s' : '');
      }
    });
    for (let s = 0; s <= end / 1e9; s += 1) {
      const tx = el('svg:text', { x: x(s * 1e9) - 3, y: h - 2 }, svg);
      tx.style.fontSize = '9px';
      tx.textContent = s + 's';
    }
    el('svg:line', { x1: x(view.t), y1: 0, x2: x(view.t), y2: h, stroke: C.ink, 'stroke-width': 2 }, svg);
  }

  function timelineClick(e) {
    const svg = $('timeline');
    const rect = svg.getBoundingClientRect();
    const f = (e.clientX - rect.left - 60) / Math.max(1, rect.width - 70);
    setTime(Math.max(0, Math.min(1, f)) * view.info.end);
    fetchState(true);
  }

  // ---- live control ----
  function act(a) {
    if (!source.act || view.info.mode !== 'live') {
      hint('A recorded run cannot be changed: run it live with quorumlab view --scenario NAME');
      return Promise.resolve();
    }
    a.at = Math.round(view.t);
    return source.act(a).then(r => {
      view.info.actions = r.actions;
      hint(a.type + ' at ' + (a.at / 1e9).toFixed(4) + ' s applied to every protocol (' + r.actions.length + ' actions in this session)');
      view.state = null;
      fetchState(true);
    }).catch(err => showError(String(err.message || err)));
  }

  function onNode(node) {
    if (view.partitioning) {
      if (view.picked.has(node.id)) view.picked.delete(node.id); else view.picked.add(node.id);
      hint('Partition: one side is ' + ([...view.picked].join(', ') || 'empty') + '; press Partition again to cut.');
      return;
    }
    act({ type: node.up ? 'crash' : 'restart', node: node.id });
  }

  function partitionButton() {
    if (!view.partitioning) {
      view.partitioning = true;
      view.picked.clear();
      $('partition').classList.add('active');
      hint('Partition: click the nodes of one side, then press Partition again (Escape cancels).');
      return;
    }
    const all = view.state.protocols.find(p => !p.error).nodes.map(n => n.id);
    const side = all.filter(n => view.picked.has(n));
    const other = all.filter(n => !view.picked.has(n));
    cancelPartition();
    if (!side.length || !other.length) {
      hint('Partition: pick at least one node, and not all of them.');
      return;
    }
    act({ type: 'partition', groups: [side, other] });
  }

  function cancelPartition() {
    view.partitioning = false;
    view.picked.clear();
    $('partition').classList.remove('active');
  }

  // ---- start ----
  function legend() {
    const items = [['leader', C.orange], ['candidate', C.sky], ['follower', '#fff'], ['down', '#d9d9d9'],
      ['election message', C.vermillion], ['replication message', C.blue], ['other message', C.green],
      ['accepted', C.sky], ['committed / chosen', C.blue], ['applied', C.green],
      ['crash', C.vermillion], ['partition', C.purple], ['loss', C.yellow], ['delay', C.orange]];
    const div = $('legend');
    for (const [name, colour] of items) {
      const s = el('span', {}, div);
      const i = el('i', {}, s);
      i.style.background = colour;
      s.appendChild(document.createTextNode(name));
    }
    const keys = el('span', {}, div);
    keys.textContent = 'keys: space play · → step · ← back 10 ms · + − speed · 1–9 crash/restart · p partition · h heal · b burst · e expire · s save';
  }

  function keys(e) {
    if (e.target && (e.target.tagName === 'INPUT' || e.target.tagName === 'SELECT')) return;
    const live = view.info && view.info.mode === 'live';
    if (e.key === ' ') { togglePlay(); e.preventDefault(); }
    else if (e.key === 'ArrowRight' || e.key === '.') step();
    else if (e.key === 'ArrowLeft') { setTime(view.t - 10 * MS); fetchState(true); }
    else if (e.key === '+' || e.key === '=') { $('speed').selectedIndex = Math.min($('speed').options.length - 1, $('speed').selectedIndex + 1); speedChanged(); }
    else if (e.key === '-') { $('speed').selectedIndex = Math.max(0, $('speed').selectedIndex - 1); speedChanged(); }
    else if (e.key === 'Escape') cancelPartition();
    else if (!live) return;
    else if (/^[1-9]$/.test(e.key) && view.state) {
      const p = view.state.protocols.find(x => !x.error);
      const node = p && p.nodes[Number(e.key) - 1];
      if (node) onNode(node);
    } else if (e.key === 'p') partitionButton();
    else if (e.key === 'h') act({ type: 'heal' });
    else if (e.key === 'b') act({ type: 'burst', count: 10 });
    else if (e.key === 'e') $('expire').click();
    else if (e.key === 's') $('save').click();
  }

  function speedChanged() {
    view.speed = Number($('speed').value);
    fetchState(true);
  }

  source.info().then(info => {
    view.info = info;
    $('title').textContent = '— ' + info.title + (info.mode === 'live' ? '' : ' (' + info.mode + ')');
    showError(info.error);
    if (info.mode === 'live') {
      document.querySelector('.live-only').hidden = false;
      const sel = $('expire-node');
      for (let i = 1; i <= info.nodes; i++) el('option', { value: 'n' + i }, sel).textContent = 'n' + i;
      hint('Click a node to crash or restart it in both protocols at this instant.');
    }
    legend();
    // a link may name the instant to open at: ...#t=1.5 (seconds)
    const start = /(?:^#|&)t=([0-9.]+)/.exec(location.hash);
    if (start) setTime(Number(start[1]) * 1e9);
    fetchState(true);
    requestAnimationFrame(tick);
  }).catch(err => showError(String(err.message || err)));

  $('play').addEventListener('click', () => togglePlay());
  $('step').addEventListener('click', step);
  $('speed').addEventListener('change', speedChanged);
  $('scrub').addEventListener('input', () => { setTime(Number($('scrub').value) / 1000 * view.info.end); fetchState(true); });
  $('timeline').addEventListener('click', timelineClick);
  $('partition').addEventListener('click', partitionButton);
  $('heal').addEventListener('click', () => act({ type: 'heal' }));
  $('loss').addEventListener('input', () => { $('loss-value').textContent = $('loss').value + '%'; });
  $('loss').addEventListener('change', () => act({ type: 'loss', value: Number($('loss').value) / 100 }));
  $('delay').addEventListener('input', () => { $('delay-value').textContent = $('delay').value + ' ms'; });
  $('delay').addEventListener('change', () => act({ type: 'delay', ms: Number($('delay').value) }));
  $('burst').addEventListener('click', () => act({ type: 'burst', count: 10 }));
  $('expire').addEventListener('click', () => act({ type: 'expire', node: $('expire-node').value }));
  document.addEventListener('keydown', keys);
})();
