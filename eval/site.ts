/**
 * The static leaderboard site: one self-contained `index.html` that works from file:// (no server,
 * no fetch). The data is inlined as a JSON script block with `<`, `>`, `&` and the JS line
 * separators escaped, so no transcript text can close the block; the page script builds every
 * element with `textContent`, never `innerHTML`, so transcript text is never parsed as HTML. A
 * Content-Security-Policy forbids any network access or external resource.
 */
import type { LeaderboardData } from './leaderboard.js';

/** JSON that is safe inside a <script> element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const STYLE = String.raw`
:root { --fg:#1b1f24; --muted:#5b6470; --line:#d8dde3; --accent:#2458c6; --bg:#fff; --ok:#1f7a3a; --bad:#a4262c; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, Segoe UI, Roboto, sans-serif; color: var(--fg); background: var(--bg); margin: 0 auto; max-width: 1200px; padding: 16px 24px 48px; }
h1 { font-size: 22px; margin: 8px 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; } h3 { font-size: 15px; margin: 16px 0 4px; }
p.lead, .muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: right; white-space: nowrap; }
th:nth-child(-n+3), td:nth-child(-n+3) { text-align: left; }
th button { font: inherit; font-weight: 600; background: none; border: 0; cursor: pointer; padding: 0; color: inherit; }
th[aria-sort="ascending"] button::after { content: " \25B2"; } th[aria-sort="descending"] button::after { content: " \25BC"; }
td .ci { color: var(--muted); font-size: 12px; }
button.open { font: inherit; border: 1px solid var(--line); background: #f6f8fa; border-radius: 4px; cursor: pointer; padding: 2px 8px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 12px 24px; }
svg.chart { width: 100%; max-width: 420px; height: auto; }
#details td, #details th { font-size: 13px; white-space: normal; }
figure { margin: 8px 0; }
svg text { font: 11px system-ui, sans-serif; fill: var(--fg); }
#viewer { border-top: 2px solid var(--line); margin-top: 24px; }
.controls { display: flex; gap: 12px; flex-wrap: wrap; align-items: center; margin: 8px 0; }
.samples button { margin: 0 6px 6px 0; }
.samples button[aria-pressed="true"] { border-color: var(--accent); background: #e8efff; }
.episode { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.turn { border-top: 1px dashed var(--line); padding: 8px 0; }
.who { font-weight: 600; } .reward { color: var(--muted); font-size: 12px; }
.invalid { color: var(--bad); } .success { color: var(--ok); } .failure { color: var(--bad); }
pre { white-space: pre-wrap; word-break: break-word; margin: 4px 0; background: #f6f8fa; padding: 6px 8px; border-radius: 4px; }
.notes li { color: var(--bad); }
tr.privileged td { color: var(--muted); font-style: italic; }
`;

const SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('leaderboard-data').textContent);

  function el(tag, attrs, children) {
    var n = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (k === 'text') n.textContent = attrs[k];
      else if (k === 'class') n.className = attrs[k];
      else if (k.slice(0, 2) === 'on') n.addEventListener(k.slice(2), attrs[k]);
      else n.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) n.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return n;
  }
  function svgEl(tag, attrs, text) {
    var n = document.createElementNS('http://www.w3.org/2000/svg', tag);
    Object.keys(attrs || {}).forEach(function (k) { n.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) n.textContent = text;
    return n;
  }
  function num(x) { return typeof x === 'number' && isFinite(x); }
  function fmt(x, d) { return num(x) ? x.toFixed(d === undefined ? 1 : d) : '\u2014'; }

  // ---- sortable table ----------------------------------------------------------------------
  var columns = [
    { key: 'agent', label: 'Agent', numeric: false },
    { key: 'split', label: 'Split', numeric: false },
    { key: 'simulator', label: 'Simulator', numeric: false },
    { key: 'overall', label: 'Overall', numeric: true }
  ].concat(data.envs.map(function (e) { return { key: 'env:' + e, label: e, numeric: true }; }));
  var sort = { key: 'overall', dir: -1 };

  function value(entry, key) {
    if (key.indexOf('env:') === 0) {
      var c = entry.cells[key.slice(4)];
      return c && c.normalized ? c.normalized.score : null;
    }
    return entry[key];
  }

  function sortedEntries() {
    var col = columns.filter(function (c) { return c.key === sort.key; })[0];
    return data.entries.slice().sort(function (a, b) {
      // References that read hidden state (oracles) stay below the submissions, whatever the sort.
      if (a.privileged !== b.privileged) return a.privileged ? 1 : -1;
      var va = value(a, sort.key), vb = value(b, sort.key);
      if (va === null || va === undefined) return (vb === null || vb === undefined) ? 0 : 1;
      if (vb === null || vb === undefined) return -1;
      var d = col.numeric ? va - vb : String(va).localeCompare(String(vb));
      return d * sort.dir;
    });
  }

  function renderTable() {
    var table = document.getElementById('leaderboard');
    table.textContent = '';
    var head = el('tr');
    columns.forEach(function (c) {
      var th = el('th', { 'data-key': c.key, scope: 'col' }, [el('button', { type: 'button', text: c.label, onclick: function () {
        if (sort.key === c.key) sort.dir = -sort.dir; else { sort.key = c.key; sort.dir = c.numeric ? -1 : 1; }
        renderTable();
      } })]);
      if (sort.key === c.key) th.setAttribute('aria-sort', sort.dir > 0 ? 'ascending' : 'descending');
      head.appendChild(th);
    });
    head.appendChild(el('th', { text: 'Transcripts' }));
    table.appendChild(el('thead', null, [head]));
    var body = el('tbody');
    sortedEntries().forEach(function (e) {
      var tr = el('tr', { class: e.privileged ? 'entry privileged' : 'entry', 'data-entry': e.id });
      tr.appendChild(el('td', { text: e.privileged ? e.agent + ' (privileged, reference)' : e.agent, title: e.agentId + ' \u00b7 ' + e.source + (e.privileged ? ' \u00b7 reads hidden state: not a submission' : '') }));
      tr.appendChild(el('td', { text: e.split }));
      tr.appendChild(el('td', { text: e.simulator }));
      tr.appendChild(el('td', { class: 'overall', text: fmt(e.overall) }));
      data.envs.forEach(function (env) {
        var c = e.cells[env];
        var td = el('td', { 'data-env': env });
        if (!c) td.textContent = '\u2014';
        else if (!c.normalized) { td.textContent = fmt(c.meanReturn, 3); td.title = 'mean return (no normalized score: ' + (c.referenceNote || 'no reference') + ')'; }
        else {
          td.appendChild(document.createTextNode(fmt(c.normalized.score) + ' '));
          td.appendChild(el('span', { class: 'ci', text: '[' + fmt(c.normalized.ci.lo) + ', ' + fmt(c.normalized.ci.hi) + ']' }));
          td.title = 'return ' + fmt(c.meanReturn, 3) + ' [' + fmt(c.returnCI.lo, 3) + ', ' + fmt(c.returnCI.hi, 3) + '], success ' + fmt(100 * c.successRate) + ' %, ' + c.episodes + ' episodes';
        }
        tr.appendChild(td);
      });
      tr.appendChild(el('td', null, [el('button', { type: 'button', class: 'open', text: 'view', onclick: function () { openViewer(e.id, null); } })]));
      body.appendChild(tr);
    });
    table.appendChild(body);
  }

  // ---- per-env charts ------------------------------------------------------------------------
  function renderCharts() {
    var box = document.getElementById('charts');
    data.envs.forEach(function (env) {
      var rows = data.entries.filter(function (e) { return e.cells[env]; });
      var normalized = rows.every(function (e) { return e.cells[env].normalized; });
      function point(e) {
        var c = e.cells[env];
        return normalized ? { v: c.normalized.score, lo: c.normalized.ci.lo, hi: c.normalized.ci.hi } : { v: c.meanReturn, lo: c.returnCI.lo, hi: c.returnCI.hi };
      }
      var pts = rows.map(point);
      var lo = Math.min.apply(null, pts.map(function (p) { return p.lo; }).concat(normalized ? [0] : []));
      var hi = Math.max.apply(null, pts.map(function (p) { return p.hi; }).concat(normalized ? [100] : []));
      if (!(hi > lo)) { hi = lo + 1; }
      var pad = (hi - lo) * 0.05; lo -= pad; hi += pad;
      var left = 150, right = 20, width = 380, rowH = 22, top = 8, h = top + rows.length * rowH + 28;
      var x = function (v) { return left + (v - lo) / (hi - lo) * (width - left - right); };
      var svg = svgEl('svg', { width: width, height: h, viewBox: '0 0 ' + width + ' ' + h, role: 'img', 'class': 'chart', 'data-env': env });
      svg.appendChild(svgEl('title', {}, env + ': ' + (normalized ? 'normalized score' : 'mean return') + ' with 95 % CI'));
      [lo + pad, hi - pad].concat(normalized ? [0, 100] : []).forEach(function (t, i) {
        if (normalized && i < 2) return;
        svg.appendChild(svgEl('line', { x1: x(t), x2: x(t), y1: top, y2: h - 22, stroke: '#d8dde3' }));
        svg.appendChild(svgEl('text', { x: x(t), y: h - 8, 'text-anchor': 'middle' }, fmt(t, normalized ? 0 : 2)));
      });
      rows.forEach(function (e, i) {
        var p = pts[i], y = top + i * rowH + rowH / 2;
        svg.appendChild(svgEl('text', { x: left - 6, y: y + 4, 'text-anchor': 'end' }, e.id.length > 24 ? e.id.slice(0, 23) + '\u2026' : e.id));
        svg.appendChild(svgEl('line', { x1: x(p.lo), x2: x(p.hi), y1: y, y2: y, stroke: '#2458c6', 'stroke-width': 2 }));
        svg.appendChild(svgEl('line', { x1: x(p.lo), x2: x(p.lo), y1: y - 5, y2: y + 5, stroke: '#2458c6' }));
        svg.appendChild(svgEl('line', { x1: x(p.hi), x2: x(p.hi), y1: y - 5, y2: y + 5, stroke: '#2458c6' }));
        var dot = svgEl('circle', { cx: x(p.v), cy: y, r: 4, fill: '#2458c6' });
        dot.appendChild(svgEl('title', {}, e.id + ': ' + fmt(p.v, 2) + ' [' + fmt(p.lo, 2) + ', ' + fmt(p.hi, 2) + ']'));
        svg.appendChild(dot);
      });
      box.appendChild(el('figure', null, [el('h3', { text: env }), svg, el('figcaption', { class: 'muted', text: normalized ? 'Normalized score (0 = random, 100 = expert), 95 % bootstrap CI' : 'Mean return, 95 % bootstrap CI (no normalized score for some entries)' })]));
    });
  }

  // ---- reference rows ------------------------------------------------------------------------
  function renderReferences() {
    var table = document.getElementById('references');
    var heads = ['Environment', 'random', 'expert', 'oracle', 'oracle score', 'reading'];
    table.appendChild(el('thead', null, [el('tr', null, heads.map(function (h) { return el('th', { scope: 'col', text: h }); }))]));
    var body = el('tbody');
    data.envs.forEach(function (env) {
      var r = data.references[env];
      if (!r) return;
      var cells = [env, fmt(r.random, 3), fmt(r.expert, 3), fmt(r.oracle, 3), r.headroom ? fmt(r.headroom.oracleScore) : '\u2014', r.reading];
      body.appendChild(el('tr', { 'data-env': env }, cells.map(function (x) { return el('td', { text: x }); })));
    });
    table.appendChild(body);
  }

  // ---- details table -----------------------------------------------------------------------
  function renderDetails() {
    var table = document.getElementById('details');
    var heads = ['Agent', 'Split', 'Environment', 'Mean return [95 % CI]', 'Success [95 % CI]', 'pass^k', 'Turns', 'Invalid', 'Errors', 'Tokens', 'Cost', 'Tasks × trials', 'Reference (random / expert / oracle return)'];
    table.appendChild(el('thead', null, [el('tr', null, heads.map(function (h) { return el('th', { scope: 'col', text: h }); }))]));
    var body = el('tbody');
    data.entries.forEach(function (e) {
      data.envs.forEach(function (env) {
        var c = e.cells[env];
        if (!c) return;
        var passK = Object.keys(c.passK).map(function (k) { return k + ': ' + fmt(c.passK[k], 2); }).join('  ');
        var ref = c.reference ? (c.reference.source + ': ' + fmt(c.reference.random.meanReturn, 3) + ' / ' + fmt(c.reference.expert.meanReturn, 3) + ' / ' + (c.reference.oracle ? fmt(c.reference.oracle.meanReturn, 3) : '\u2014')) : (c.referenceNote || 'none');
        var cells = [e.agent, e.split, env,
          fmt(c.meanReturn, 3) + ' [' + fmt(c.returnCI.lo, 3) + ', ' + fmt(c.returnCI.hi, 3) + ']',
          fmt(100 * c.successRate) + ' % [' + fmt(100 * c.successCI.lo) + ', ' + fmt(100 * c.successCI.hi) + ']',
          passK, fmt(c.meanTurns), fmt(100 * c.invalidActionRate) + ' %', fmt(100 * c.errorRate) + ' %',
          String(c.tokens), c.cost === null ? '—' : '$' + fmt(c.cost, 4), (c.episodes / c.trials) + ' × ' + c.trials, ref];
        body.appendChild(el('tr', null, cells.map(function (x) { return el('td', { text: x }); })));
      });
    });
    table.appendChild(body);
  }

  // ---- transcript viewer -------------------------------------------------------------------
  var entrySelect = document.getElementById('viewer-entry');
  var envSelect = document.getElementById('viewer-env');
  data.entries.forEach(function (e) { entrySelect.appendChild(el('option', { value: e.id, text: e.id })); });
  data.envs.forEach(function (env) { envSelect.appendChild(el('option', { value: env, text: env })); });
  entrySelect.addEventListener('change', function () { openViewer(entrySelect.value, envSelect.value); });
  envSelect.addEventListener('change', function () { openViewer(entrySelect.value, envSelect.value); });

  function openViewer(entryId, envId) {
    var byEnv = data.samples[entryId] || {};
    if (!envId || !byEnv[envId]) envId = Object.keys(byEnv).sort()[0] || data.envs[0];
    entrySelect.value = entryId;
    envSelect.value = envId;
    var list = document.getElementById('viewer-samples');
    list.textContent = '';
    var eps = byEnv[envId] || [];
    if (!eps.length) list.appendChild(el('p', { class: 'muted', text: 'No sample episodes for this entry and environment.' }));
    eps.forEach(function (ep, i) {
      list.appendChild(el('button', { type: 'button', class: 'open sample', 'aria-pressed': 'false', text: 'seed ' + ep.seed + (ep.success ? ' \u2713' : ' \u2717'), onclick: function (ev) {
        Array.prototype.forEach.call(list.querySelectorAll('button'), function (b) { b.setAttribute('aria-pressed', 'false'); });
        ev.currentTarget.setAttribute('aria-pressed', 'true');
        renderEpisode(ep);
      } }));
      if (i === 0) list.lastChild.setAttribute('aria-pressed', 'true');
    });
    if (eps[0]) renderEpisode(eps[0]); else document.getElementById('transcript').textContent = '';
    document.getElementById('viewer').hidden = false;
    document.getElementById('viewer').scrollIntoView();
  }

  function components(c) {
    var keys = Object.keys(c || {});
    return keys.length ? ' (' + keys.map(function (k) { return k + ' ' + fmt(c[k], 3); }).join(', ') + ')' : '';
  }

  function renderEpisode(ep) {
    var box = document.getElementById('transcript');
    box.textContent = '';
    var status = ep.success ? el('span', { class: 'success', text: 'success' }) : el('span', { class: 'failure', text: 'failure' });
    box.appendChild(el('div', { class: 'episode' }, [
      el('h3', { text: ep.key }),
      el('p', null, ['seed ' + ep.seed + ' \u00b7 return ' + fmt(ep.totals.return, 3) + ' \u00b7 ' + ep.totals.steps + ' turns \u00b7 ' + ep.totals.invalidActions + ' invalid \u00b7 ended: ' + ep.termination.reason + (ep.termination.truncated ? ' (truncated)' : '') + ' \u00b7 ', status]),
      ep.error ? el('p', { class: 'invalid', text: 'error: ' + ep.error.type + ': ' + ep.error.message }) : null,
      el('details', null, [el('summary', { text: 'Agent instructions' }), el('pre', { text: ep.instructions })]),
      el('details', null, [el('summary', { text: 'Scenario (hidden from the agent)' }), el('pre', { text: JSON.stringify(ep.scenario, null, 2) })]),
      el('div', { class: 'turn initial' }, [el('div', { class: 'who', text: 'Start' }), el('pre', { text: ep.initialText })])
    ]));
    var epBox = box.firstChild;
    ep.turns.forEach(function (t, i) {
      var parts = [
        el('div', null, [el('span', { class: 'who', text: 'Turn ' + (i + 1) + ' \u00b7 agent: ' }), el('span', { class: 'action', text: t.action })]),
        t.invalidAction ? el('div', { class: 'invalid', text: 'invalid action: ' + t.invalidAction }) : null,
        el('div', { class: 'reward', text: 'reward ' + fmt(t.reward, 3) + components(t.rewardComponents) }),
        t.observation ? el('pre', { class: 'observation', text: t.observation }) : null
      ];
      if (t.simulatorTurns && t.simulatorTurns.length) {
        parts.push(el('details', { class: 'simulator' }, [el('summary', { text: 'Simulator output (' + t.simulatorTurns.length + ')' }), el('pre', { text: JSON.stringify(t.simulatorTurns, null, 2) })]));
      }
      epBox.appendChild(el('div', { class: 'turn', 'data-turn': String(i + 1) }, parts));
    });
  }

  // ---- notes and boot ------------------------------------------------------------------------
  var notes = document.getElementById('notes');
  data.notes.forEach(function (n) { notes.appendChild(el('li', { text: n })); });
  document.getElementById('generated').textContent = 'Generated by dialogym ' + data.dialogymVersion + ' at ' + data.generatedAt + '.';
  renderTable();
  renderReferences();
  renderCharts();
  renderDetails();
})();
`;

export function renderSite(data: LeaderboardData): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<link rel="icon" href="data:,">
<title>dialogym leaderboard</title>
<style>${STYLE}</style>
</head>
<body>
<h1>dialogym leaderboard</h1>
<p class="lead">Normalized score per environment: 0 = the random agent, 100 = the expert agent on the same split; brackets hold the 95&nbsp;% bootstrap confidence interval. Click a column to sort, &ldquo;view&rdquo; to read sample episodes.</p>
<table id="leaderboard"></table>
<ul id="notes" class="notes"></ul>
<h2>References and headroom</h2>
<p class="muted">Mean return of the reference agents: random (the 0 of the scale), expert (the 100) and the oracle, which reads the hidden scenario &mdash; the upper bound of what can be achieved. An oracle row is a reference, never a submission.</p>
<table id="references"></table>
<h2>Per environment</h2>
<div id="charts" class="charts"></div>
<h2>Details</h2>
<table id="details"></table>
<section id="viewer" hidden>
<h2>Transcripts</h2>
<div class="controls">
<label>Entry <select id="viewer-entry"></select></label>
<label>Environment <select id="viewer-env"></select></label>
</div>
<div id="viewer-samples" class="samples"></div>
<div id="transcript"></div>
</section>
<p class="muted" id="generated"></p>
<script id="leaderboard-data" type="application/json">${jsonForScript(data)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
