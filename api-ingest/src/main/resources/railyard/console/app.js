// The console's shell: tabs from the URL hash, the API key form, and a banner for API errors.
import {apiKey, onApiError, setApiKey} from './api.js';
import {clear, errorBox} from './dom.js';
import * as jobs from './jobs.js';
import * as batches from './batches.js';
import * as live from './live.js';
import * as providers from './providers.js';
import * as budgets from './budgets.js';
import * as deadLetters from './deadletters.js';

// hash "#name/arg?query" → the view that draws it; each view's render may return a function that stops its polling.
const routes = {
  'jobs': (el, arg, q) => jobs.renderList(el, q),
  'job': (el, arg, q) => jobs.renderDetail(el, arg, q),
  'batches': (el, arg, q) => batches.renderList(el, q),
  'batch': (el, arg) => batches.renderDetail(el, arg),
  'live': el => live.render(el),
  'providers': el => providers.render(el),
  'budgets': el => budgets.render(el),
  'dead-letters': el => deadLetters.render(el),
};
const tabOf = {job: 'jobs', batch: 'batches'};

let stop = null;

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || 'jobs';
  const [path, query = ''] = raw.split('?');
  const slash = path.indexOf('/');
  const name = slash < 0 ? path : path.substring(0, slash);
  const arg = slash < 0 ? null : decodeURIComponent(path.substring(slash + 1));
  return {name, arg, query: new URLSearchParams(query)};
}

async function show() {
  if (typeof stop === 'function') stop();
  stop = null;
  hideBanner();
  const {name, arg, query} = parseHash();
  const view = clear(document.getElementById('view'));
  const draw = routes[name] || routes.jobs;
  const tab = tabOf[name] || (routes[name] ? name : 'jobs');
  document.querySelectorAll('#tabs a').forEach(a => a.classList.toggle('active', a.dataset.tab === tab));
  view.dataset.view = name;
  try {
    stop = await draw(view, arg, query);
  } catch (err) {
    view.append(errorBox(err));
  }
}

function showBanner(text) {
  const banner = document.getElementById('banner');
  banner.textContent = text;
  banner.hidden = false;
}

function hideBanner() {
  document.getElementById('banner').hidden = true;
}

function showKeyState() {
  document.getElementById('key-state').textContent = apiKey() ? 'key set for this tab' : 'no key';
}

function init() {
  const form = document.getElementById('key-form');
  form.addEventListener('submit', e => {
    e.preventDefault();
    const input = document.getElementById('api-key');
    setApiKey(input.value.trim());
    input.value = '';
    showKeyState();
    show();
  });
  document.getElementById('forget-key').addEventListener('click', () => {
    setApiKey('');
    showKeyState();
    show();
  });
  onApiError(err => {
    if (err.status === 401) showBanner('This API needs a key: paste one above (it stays in this tab only).');
    else if (err.status === 403) showBanner('This key lacks the scope this page needs: ' + err.message);
  });
  window.addEventListener('hashchange', show);
  showKeyState();
  show();
}

init();
