// Jobs: search (GET /v1/jobs), one job with its routing decision and attempts (GET /v1/jobs/{id}, …/attempts).
import {get} from './api.js';
import {append, badge, errorBox, facts, h, money, number, table, time} from './dom.js';

const STATES = ['', 'queued', 'succeeded', 'failed', 'rejected', 'cancelled', 'expired'];
const FIELDS = ['status', 'batch_id', 'model', 'tenant'];

function jobHref(id, tenant) {
  return `#job/${encodeURIComponent(id)}${tenant ? '?tenant=' + encodeURIComponent(tenant) : ''}`;
}

/** Rows of jobs as a table, each linking to its page. */
export function jobsTable(jobs, tenant) {
  return table(['Job', 'Status', 'Model', 'Batch', 'Custom id', 'Created', 'Attempts', 'Cost'],
    jobs.map(j => h('tr', {'data-job-id': j.id},
      h('td', {}, h('a', {href: jobHref(j.id, tenant), class: 'mono'}, j.id)),
      h('td', {}, badge(j.status)),
      h('td', {}, j.model || ''),
      h('td', {}, j.batch_id ? h('a', {href: `#batch/${encodeURIComponent(j.batch_id)}`, class: 'mono'}, j.batch_id) : ''),
      h('td', {}, j.custom_id || ''),
      h('td', {}, time(j.created_at)),
      h('td', {class: 'num'}, j.attempts),
      h('td', {class: 'num'}, money(j.cost)))), {id: 'jobs-table'});
}

export async function renderList(el, query) {
  const form = h('form', {id: 'job-search', class: 'search'},
    h('label', {}, 'Job id', h('input', {name: 'id', placeholder: 'job_…', value: query.get('id') || ''})),
    h('label', {}, 'Status', h('select', {name: 'status'},
      STATES.map(s => h('option', {value: s, selected: (query.get('status') || '') === s}, s || 'any')))),
    h('label', {}, 'Batch', h('input', {name: 'batch_id', placeholder: 'batch_…', value: query.get('batch_id') || ''})),
    h('label', {}, 'Model', h('input', {name: 'model', placeholder: 'gpt-4o-mini', value: query.get('model') || ''})),
    h('label', {}, 'Tenant', h('input', {name: 'tenant', placeholder: 'yours', value: query.get('tenant') || ''})),
    h('button', {type: 'submit'}, 'Search'));
  form.addEventListener('submit', e => {
    e.preventDefault();
    const data = new FormData(form);
    const id = String(data.get('id') || '').trim();
    if (id) {
      location.hash = jobHref(id, String(data.get('tenant') || '').trim());
      return;
    }
    const q = new URLSearchParams();
    for (const f of FIELDS) {
      const v = String(data.get(f) || '').trim();
      if (v) q.set(f, v);
    }
    location.hash = '#jobs' + (q.toString() ? '?' + q : '');
  });
  const results = h('div', {id: 'job-results'});
  el.append(h('h1', {}, 'Jobs'), form, results);

  const params = {limit: 25};
  FIELDS.forEach(f => { if (query.get(f)) params[f] = query.get(f); });
  const shown = [];
  const more = h('button', {type: 'button', id: 'jobs-more', hidden: true}, 'Load more');
  async function page(after) {
    const list = await get('/v1/jobs', {...params, after});
    shown.push(...list.data);
    results.replaceChildren(jobsTable(shown, params.tenant), more);
    more.hidden = !list.has_more;
    more.onclick = () => page(list.last_id).catch(err => results.append(errorBox(err)));
  }
  try {
    await page(null);
  } catch (err) {
    results.replaceChildren(errorBox(err));
  }
}

function routing(r) {
  if (!r) return h('p', {class: 'muted'}, 'Not routed yet.');
  const parts = [
    facts([
      ['Chosen deployment', r.deployment_id],
      ['Provider', r.provider],
      ['Provider model', r.provider_model],
      ['Why', r.reason],
      ['Route', r.route],
      ['Variant', r.variant],
      ['Hop', r.hop],
      ['Estimated prompt tokens', r.estimated_prompt_tokens],
      ['Estimated cost', money(r.estimated_cost)],
      ['Fallbacks left', (r.fallbacks || []).join(', ') || 'none'],
      ['Candidates', (r.candidates || []).join(', ')],
    ], {id: 'routing-facts'}),
  ];
  if (r.rejected && r.rejected.length) {
    parts.push(h('h3', {}, 'Filtered out'),
      table(['Deployment', 'Reason'], r.rejected.map(x => h('tr', {}, h('td', {}, x.deployment_id), h('td', {}, x.reason))),
        {id: 'routing-rejected'}));
  }
  if (r.scores && Object.keys(r.scores).length) {
    parts.push(h('h3', {}, 'Scores (lower is better)'),
      table(['Deployment', 'Score'], Object.entries(r.scores).map(([d, v]) =>
        h('tr', {}, h('td', {}, d), h('td', {class: 'num'}, number(v, 4)))), {id: 'routing-scores'}));
  }
  return parts;
}

function attemptsTable(attempts) {
  return table(['Hop', 'Try', 'Deployment', 'Provider', 'Started', 'HTTP', 'Latency', 'Tokens', 'Cost', 'Billed', 'Error'],
    attempts.map(a => h('tr', {class: a.error ? 'attempt failed' : 'attempt'},
      h('td', {class: 'num'}, a.hop),
      h('td', {class: 'num'}, a.try),
      h('td', {}, a.deployment_id || ''),
      h('td', {}, a.provider || ''),
      h('td', {}, time(a.started_at)),
      h('td', {class: 'num'}, a.http_status || ''),
      h('td', {class: 'num'}, a.latency_ms !== undefined ? a.latency_ms + ' ms' : ''),
      h('td', {class: 'num'}, a.usage ? number(a.usage.total_tokens) : ''),
      h('td', {class: 'num'}, money(a.cost)),
      h('td', {}, a.billed ? 'yes' : 'no'),
      h('td', {class: 'error-text'}, a.error ? (a.error.message || a.error.type || JSON.stringify(a.error)) : ''))),
    {id: 'attempts-table'});
}

export async function renderDetail(el, id, query) {
  const tenant = query.get('tenant') || '';
  el.append(h('p', {}, h('a', {href: '#jobs'}, '← Jobs')));
  const [job, attempts] = await Promise.all([
    get(`/v1/jobs/${encodeURIComponent(id)}`, {tenant}),
    get(`/v1/jobs/${encodeURIComponent(id)}/attempts`, {tenant}),
  ]);
  append(el,
    h('h1', {}, 'Job ', h('span', {class: 'mono', id: 'job-id'}, job.id), ' ', badge(job.status)),
    h('section', {class: 'card'},
      facts([
        ['Status', job.status],
        ['Model', job.model],
        ['Endpoint', job.endpoint],
        ['Batch', job.batch_id ? h('a', {href: `#batch/${encodeURIComponent(job.batch_id)}`, class: 'mono'}, job.batch_id) : ''],
        ['Custom id', job.custom_id],
        ['Created', time(job.created_at)],
        ['Completed', time(job.completed_at)],
        ['Deployment', job.deployment_id],
        ['Attempts', job.attempts],
        ['Prompt tokens', job.usage ? number(job.usage.prompt_tokens) : ''],
        ['Completion tokens', job.usage ? number(job.usage.completion_tokens) : ''],
        ['Cost', money(job.cost)],
        ['Error', job.error ? `${job.error.code}: ${job.error.message}` : ''],
      ], {id: 'job-facts'})),
    h('section', {class: 'card', id: 'job-routing'}, h('h2', {}, 'Routing'), routing(job.routing)),
    h('section', {class: 'card', id: 'job-attempts'}, h('h2', {}, `Attempts (${attempts.data.length})`), attemptsTable(attempts.data)),
    job.response ? h('details', {class: 'card'}, h('summary', {}, 'Response body'),
      h('pre', {class: 'json'}, JSON.stringify(job.response, null, 2))) : null);
}
