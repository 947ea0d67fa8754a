// Dead letters: what every stage gave up on (GET /v1/dead-letters), each replayable onto its source topic.
import {get, post} from './api.js';
import {append, badge, h, table, time} from './dom.js';

function position(p) {
  return p ? `${p.topic}[${p.partition}]@${p.offset}` : '';
}

function replayButton(d, note) {
  const button = h('button', {type: 'button', class: 'replay', 'data-replay': d.id},
    d.replayed_at ? 'Replay again' : 'Replay');
  button.addEventListener('click', async () => {
    button.disabled = true;
    button.textContent = 'Replaying…';
    try {
      const r = await post(`/v1/dead-letters/${encodeURIComponent(d.id)}/replay`, d.replayed_at ? {force: 'true'} : {});
      note.replaceChildren(`replayed to ${r.topic}[${r.partition}]@${r.offset}`);
      note.classList.add('ok');
      button.textContent = 'Replayed';
    } catch (err) {
      note.replaceChildren(err.message);
      note.classList.add('error-text');
      button.disabled = false;
      button.textContent = 'Replay';
    }
  });
  return button;
}

export async function render(el) {
  el.append(h('h1', {}, 'Dead letters'));
  const list = await get('/v1/dead-letters', {limit: 50});
  append(el, table(['Id', 'Recorded', 'Stage', 'Error', 'Reason', 'Job', 'Source', 'Replayed', ''],
    list.data.map(d => {
      const note = h('div', {class: 'note', 'data-replay-note': d.id});
      return h('tr', {'data-dead-letter': d.id},
        h('td', {class: 'mono'}, d.id),
        h('td', {}, time(d.recorded_at)),
        h('td', {}, d.stage || ''),
        h('td', {}, d.error_type ? badge(d.error_type, 'failed') : ''),
        h('td', {class: 'reason'}, d.reason || '',
          h('details', {}, h('summary', {}, 'record'), h('pre', {class: 'json'}, d.value || ''))),
        h('td', {}, d.job_id ? h('a', {href: `#job/${encodeURIComponent(d.job_id)}`, class: 'mono'}, d.job_id) : ''),
        h('td', {class: 'mono'}, position(d.source)),
        h('td', {}, d.replayed_at ? time(d.replayed_at) + ' → ' + position(d.replay) : ''),
        h('td', {}, replayButton(d, note), note));
    }), {id: 'dead-letters-table'}),
  list.has_more ? h('p', {class: 'muted'}, 'Showing the newest 50.') : null);
}
