// The API as the console calls it: same origin, same key rules as any client (docs/auth.md).

const KEY = 'railyard.apiKey';

export function apiKey() {
  return sessionStorage.getItem(KEY) || '';
}

export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY, key);
  else sessionStorage.removeItem(KEY);
}

export class ApiError extends Error {
  constructor(status, body) {
    const e = body && body.error ? body.error : {};
    super(`${status}${e.code ? ' ' + e.code : ''}: ${e.message || 'request failed'}`);
    this.status = status;
    this.code = e.code;
    this.param = e.param;
  }
}

const listeners = new Set();
/** Called with every ApiError, so the shell can say "paste a key" on a 401. */
export function onApiError(fn) {
  listeners.add(fn);
}

async function call(method, path, params) {
  const url = new URL(path, location.origin);
  for (const [name, value] of Object.entries(params || {})) {
    if (value !== null && value !== undefined && value !== '') url.searchParams.set(name, value);
  }
  const headers = {accept: 'application/json'};
  const key = apiKey();
  if (key) headers.authorization = `Bearer ${key}`;
  const response = await fetch(url, {method, headers});
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch (e) {
    body = null;
  }
  if (!response.ok) {
    const err = new ApiError(response.status, body);
    listeners.forEach(fn => fn(err));
    throw err;
  }
  return body;
}

export const get = (path, params) => call('GET', path, params);
export const post = (path, params) => call('POST', path, params);
