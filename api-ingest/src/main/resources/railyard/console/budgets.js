// Budgets: configured and API-made budgets with their current window (GET /v1/budgets).
import {get} from './api.js';
import {badge, h, money, table, time} from './dom.js';

function usage(b) {
  const limit = Number(b.limit);
  const used = Number(b.spent) + Number(b.reserved);
  const pct = limit > 0 ? Math.min(100, (100 * used) / limit) : 0;
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'bar');
  svg.setAttribute('viewBox', '0 0 100 8');
  svg.setAttribute('preserveAspectRatio', 'none');
  for (const [cls, w] of [['bar-bg', 100], [pct >= 100 ? 'bar-failed' : pct >= 80 ? 'bar-warn' : 'bar-ok', pct]]) {
    const r = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
    r.setAttribute('class', cls);
    r.setAttribute('width', w);
    r.setAttribute('height', 8);
    svg.append(r);
  }
  return h('span', {class: 'progress'}, svg, ` ${pct.toFixed(1)}%`);
}

export async function render(el) {
  el.append(h('h1', {}, 'Budgets'));
  const list = await get('/v1/budgets');
  el.append(table(['Budget', 'Scope', 'Period', 'Action', 'Limit', 'Spent', 'Reserved', 'Remaining', 'Used', 'Resets',
    'Alerts fired', 'Source'],
  list.data.map(b => h('tr', {'data-budget': b.id},
    h('td', {class: 'mono'}, b.id),
    h('td', {}, b.scope + (b.scope_value ? ': ' + b.scope_value : '')),
    h('td', {}, b.period),
    h('td', {}, badge(b.action, 'action-' + b.action)),
    h('td', {class: 'num'}, money(b.limit)),
    h('td', {class: 'num'}, money(b.spent)),
    h('td', {class: 'num'}, money(b.reserved)),
    h('td', {class: 'num'}, money(b.remaining)),
    h('td', {}, usage(b)),
    h('td', {}, b.resets_at ? time(b.resets_at) : 'never'),
    h('td', {}, (b.alerts_fired || []).join(', ')),
    h('td', {}, b.source))), {id: 'budgets-table'}));
}
