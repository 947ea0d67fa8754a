// Live: throughput, latency and spend from GET /v1/stats, redrawn every few seconds; spend by model from /v1/spend.
import {get} from './api.js';
import {errorBox, h, money, number, table, time} from './dom.js';
import {lineChart} from './charts.js';

const POLL_MS = 5000;
const WINDOWS = {'15 min': [900, 15], '1 hour': [3600, 60], '6 hours': [21600, 300], '24 hours': [86400, 900]};

export function render(el) {
  let choice = '15 min';
  const select = h('select', {id: 'live-window'}, Object.keys(WINDOWS).map(k => h('option', {value: k}, k)));
  const updated = h('span', {class: 'muted', id: 'live-updated'});
  const charts = h('div', {class: 'charts', id: 'live-charts'});
  const totals = h('div', {class: 'counts', id: 'live-totals'});
  const byModel = h('section', {class: 'card', id: 'spend-by-model'});
  el.append(h('h1', {}, 'Live'), h('p', {}, 'Window ', select, ' ', updated), totals, charts, byModel);

  async function refresh() {
    const [window, step] = WINDOWS[choice];
    try {
      const [stats, spend] = await Promise.all([get('/v1/stats', {window, step}), get('/v1/spend', {group_by: 'model'})]);
      draw(stats);
      byModel.replaceChildren(h('h2', {}, 'Spend by model (ledger, all time)'),
        table(['Model', 'Entries', 'Prompt tokens', 'Completion tokens', 'Cost'], spend.data.map(r => h('tr', {},
          h('td', {}, r.model), h('td', {class: 'num'}, number(r.entries)), h('td', {class: 'num'}, number(r.prompt_tokens)),
          h('td', {class: 'num'}, number(r.completion_tokens)), h('td', {class: 'num'}, money(r.cost))))));
      updated.textContent = 'updated ' + time(new Date()) + ' UTC, every ' + POLL_MS / 1000 + ' s';
    } catch (err) {
      charts.replaceChildren(errorBox(err));
    }
  }

  function draw(stats) {
    const step = stats.step_seconds;
    const at = b => new Date(b.start);
    const rows = stats.data;
    const sum = f => rows.reduce((a, b) => a + f(b), 0);
    const cost = sum(b => Number(b.cost));
    totals.replaceChildren(
      h('div', {class: 'count'}, h('b', {}, number(sum(b => b.submitted))), h('span', {}, 'submitted')),
      h('div', {class: 'count ok'}, h('b', {}, number(sum(b => b.succeeded))), h('span', {}, 'succeeded')),
      h('div', {class: 'count bad'}, h('b', {}, number(sum(b => b.failed))), h('span', {}, 'failed')),
      h('div', {class: 'count'}, h('b', {}, '$' + cost.toFixed(6)), h('span', {}, 'spent')));
    let running = 0;
    charts.replaceChildren(
      lineChart({id: 'chart-throughput', title: 'Throughput (jobs/s)', format: v => number(v, 2), series: [
        {name: 'submitted', points: rows.map(b => [at(b), b.submitted / step])},
        {name: 'finished', points: rows.map(b => [at(b), b.finished / step])},
        {name: 'failed', points: rows.map(b => [at(b), b.failed / step])}]}),
      lineChart({id: 'chart-latency', title: 'Latency (ms)', format: v => number(v), series: [
        {name: 'p50', points: rows.map(b => [at(b), b.latency_p50_ms ?? null])},
        {name: 'p95', points: rows.map(b => [at(b), b.latency_p95_ms ?? null])}]}),
      lineChart({id: 'chart-spend', title: 'Spend (USD, cumulative in window)', format: v => '$' + (v === 0 ? '0' : String(Number(v.toPrecision(2)))), series: [
        {name: 'spend', points: rows.map(b => [at(b), (running += Number(b.cost))])}]}));
  }

  select.addEventListener('change', () => {
    choice = select.value;
    refresh();
  });
  refresh();
  const timer = setInterval(refresh, POLL_MS);
  return () => clearInterval(timer);
}
