// Small DOM helpers. Everything the API returns goes in as text, never as markup.

/** h('a', {href: '#x', class: 'c', onclick: fn}, 'text', child…): an element; null and false children are skipped. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'value') {
      el.value = value;
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  appendAll(el, children);
  return el;
}

/** el.append that skips null, undefined and false (the DOM's own would show them as text). */
export function append(el, ...children) {
  appendAll(el, children);
  return el;
}

function appendAll(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** A table from column headers and rows of cells. */
export function table(headers, rows, attrs = {}) {
  return h('table', {class: 'grid', ...attrs},
    h('thead', {}, h('tr', {}, headers.map(c => h('th', {}, c)))),
    h('tbody', {}, rows.length === 0
      ? h('tr', {class: 'empty'}, h('td', {colspan: headers.length}, 'nothing here yet'))
      : rows));
}

/** A definition list of [label, value] pairs; pairs with an empty value are left out. */
export function facts(pairs, attrs = {}) {
  const dl = h('dl', {class: 'facts', ...attrs});
  for (const [label, value] of pairs) {
    if (value === null || value === undefined || value === '') continue;
    dl.append(h('dt', {}, label), h('dd', {}, value));
  }
  return dl;
}

export function badge(text, kind) {
  return h('span', {class: `badge ${kind || String(text).replace(/[^a-z_]/gi, '')}`}, text);
}

/** Epoch seconds, an ISO string or a Date, as "2025-01-31 14:05:09" UTC; empty for nothing. */
export function time(value) {
  if (value === null || value === undefined || value === '') return '';
  const d = typeof value === 'number' ? new Date(value * 1000) : new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '');
}

/** A decimal cost string as dollars: "0.000123" → "$0.000123". */
export function money(cost) {
  if (cost === null || cost === undefined || cost === '') return '';
  const text = String(cost);
  return '$' + (text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text);
}

export function number(n, digits = 0) {
  if (n === null || n === undefined || Number.isNaN(n)) return '';
  return Number(n).toLocaleString('en-US', {maximumFractionDigits: digits});
}

export function errorBox(err) {
  return h('div', {class: 'error-box', role: 'alert'}, err && err.message ? err.message : String(err));
}
