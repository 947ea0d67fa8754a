// Batches: the OpenAI batch list (GET /v1/batches) and one batch with its counts and jobs.
import {get} from './api.js';
import {append, badge, errorBox, facts, h, table, time} from './dom.js';
import {jobsTable} from './jobs.js';

function progress(counts) {
  const total = counts ? counts.total : 0;
  const done = counts ? counts.completed + counts.failed : 0;
  const pct = total ? Math.round((100 * done) / total) : 0;
  // An SVG bar: the page's policy allows no inline style.
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'bar');
  svg.setAttribute('viewBox', '0 0 100 8');
  svg.setAttribute('preserveAspectRatio', 'none');
  for (const [cls, w, x] of [['bar-bg', 100, 0], ['bar-ok', total ? (100 * counts.completed) / total : 0, 0],
    ['bar-failed', total ? (100 * counts.failed) / total : 0, total ? (100 * counts.completed) / total : 0]]) {
    const r = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
    r.setAttribute('class', cls);
    r.setAttribute('x', x);
    r.setAttribute('width', w);
    r.setAttribute('height', 8);
    svg.append(r);
  }
  return h('span', {class: 'progress'}, svg, ` ${done}/${total} (${pct}%)`);
}

export async function renderList(el) {
  el.append(h('h1', {}, 'Batches'));
  const holder = h('div', {id: 'batch-results'});
  el.append(holder);
  const shown = [];
  const more = h('button', {type: 'button', id: 'batches-more', hidden: true}, 'Load more');
  async function page(after) {
    const list = await get('/v1/batches', {limit: 20, after});
    shown.push(...list.data);
    holder.replaceChildren(table(['Batch', 'Status', 'Endpoint', 'Created', 'Progress', 'Completed', 'Failed'],
      shown.map(b => h('tr', {'data-batch-id': b.id},
        h('td', {}, h('a', {href: `#batch/${encodeURIComponent(b.id)}`, class: 'mono'}, b.id)),
        h('td', {}, badge(b.status)),
        h('td', {}, b.endpoint),
        h('td', {}, time(b.created_at)),
        h('td', {}, progress(b.request_counts)),
        h('td', {class: 'num'}, b.request_counts ? b.request_counts.completed : ''),
        h('td', {class: 'num'}, b.request_counts ? b.request_counts.failed : ''))), {id: 'batches-table'}), more);
    more.hidden = !list.has_more;
    more.onclick = () => page(list.last_id).catch(err => holder.append(errorBox(err)));
  }
  await page(null);
}

export async function renderDetail(el, id) {
  el.append(h('p', {}, h('a', {href: '#batches'}, '← Batches')));
  const batch = await get(`/v1/batches/${encodeURIComponent(id)}`);
  const c = batch.request_counts || {total: 0, completed: 0, failed: 0};
  el.append(
    h('h1', {}, 'Batch ', h('span', {class: 'mono', id: 'batch-id'}, batch.id), ' ', badge(batch.status)),
    h('section', {class: 'card'},
      h('div', {class: 'counts', id: 'batch-counts'},
        h('div', {class: 'count'}, h('b', {}, c.total), h('span', {}, 'total')),
        h('div', {class: 'count ok'}, h('b', {}, c.completed), h('span', {}, 'completed')),
        h('div', {class: 'count bad'}, h('b', {}, c.failed), h('span', {}, 'failed'))),
      progress(c),
      facts([
        ['Endpoint', batch.endpoint],
        ['Completion window', batch.completion_window],
        ['Input file', batch.input_file_id],
        ['Output file', batch.output_file_id],
        ['Error file', batch.error_file_id],
        ['Created', time(batch.created_at)],
        ['In progress', time(batch.in_progress_at)],
        ['Completed', time(batch.completed_at)],
        ['Failed', time(batch.failed_at)],
        ['Cancelled', time(batch.cancelled_at)],
        ['Expires', time(batch.expires_at)],
      ])));
  const jobs = h('section', {class: 'card'}, h('h2', {}, 'Jobs'));
  el.append(jobs);
  try {
    const list = await get('/v1/jobs', {batch_id: batch.id, limit: 100});
    append(jobs, jobsTable(list.data),
      list.has_more ? h('p', {}, h('a', {href: `#jobs?batch_id=${encodeURIComponent(batch.id)}`}, 'All jobs of this batch →')) : null);
  } catch (err) {
    jobs.append(errorBox(err));
  }
}
