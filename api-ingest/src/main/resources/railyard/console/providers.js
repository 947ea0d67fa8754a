// Providers: every deployment's live health and circuit state (GET /v1/deployments), refreshed every few seconds.
import {get} from './api.js';
import {badge, errorBox, h, number, table, time} from './dom.js';

const POLL_MS = 5000;

export function render(el) {
  const holder = h('div', {id: 'providers'});
  const updated = h('p', {class: 'muted', id: 'providers-updated'});
  el.append(h('h1', {}, 'Providers'), updated, holder);
  async function refresh() {
    try {
      const list = await get('/v1/deployments');
      const open = list.data.filter(d => d.circuit !== 'closed').length;
      holder.replaceChildren(
        h('p', {}, `${list.data.length} deployments, ${open} with the circuit not closed.`),
        table(['Deployment', 'Provider', 'Model', 'Circuit', 'Requests', 'Failures', 'Error rate', 'p50', 'p95',
          'TTFT p50', 'Consecutive failures', 'Opened', 'Updated'],
        list.data.map(d => h('tr', {'data-deployment': d.id, 'data-circuit': d.circuit},
          h('td', {class: 'mono'}, d.id),
          h('td', {}, d.provider),
          h('td', {}, d.model),
          h('td', {}, badge(d.circuit, 'circuit-' + d.circuit)),
          h('td', {class: 'num'}, number(d.requests)),
          h('td', {class: 'num'}, number(d.failures)),
          h('td', {class: 'num'}, d.error_rate !== undefined ? number(100 * d.error_rate, 1) + '%' : ''),
          h('td', {class: 'num'}, d.latency_p50_ms !== undefined ? d.latency_p50_ms + ' ms' : ''),
          h('td', {class: 'num'}, d.latency_p95_ms !== undefined ? d.latency_p95_ms + ' ms' : ''),
          h('td', {class: 'num'}, d.ttft_p50_ms != null ? d.ttft_p50_ms + ' ms' : ''),
          h('td', {class: 'num'}, d.consecutive_failures ?? ''),
          h('td', {}, time(d.opened_at)),
          h('td', {}, time(d.updated_at)))), {id: 'deployments-table'}));
      updated.textContent = 'updated ' + time(new Date()) + ' UTC';
    } catch (err) {
      holder.replaceChildren(errorBox(err));
    }
  }
  refresh();
  const timer = setInterval(refresh, POLL_MS);
  return () => clearInterval(timer);
}
