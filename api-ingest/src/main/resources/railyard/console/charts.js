// Line charts as inline SVG, drawn from scratch: no library, no canvas.

const NS = 'http://www.w3.org/2000/svg';

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) el.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child !== null && child !== undefined) el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** 0, 1, 2, 2.5, 5, 10 … style steps: about `count` round ticks from 0 to at least max. */
export function ticks(max, count = 4) {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map(m => m * magnitude).find(v => v >= raw);
  const out = [];
  for (let v = 0; v < max + step * 0.999; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/**
 * A line chart of one or more series over time.
 * @param {{title: string, series: {name: string, points: [Date, number|null][]}[], format?: (v:number)=>string,
 *          width?: number, height?: number, id?: string}} spec
 *   a null value leaves a gap in its line.
 */
export function lineChart(spec) {
  const width = spec.width || 560;
  const height = spec.height || 220;
  const pad = {left: 56, right: 12, top: 28, bottom: 28};
  const format = spec.format || (v => String(v));
  const all = spec.series.flatMap(x => x.points);
  const times = all.map(p => p[0].getTime());
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const values = all.map(p => p[1]).filter(v => v !== null && v !== undefined);
  const yTicks = ticks(values.length ? Math.max(...values) : 0);
  const yMax = yTicks[yTicks.length - 1];
  const x = t => pad.left + (t1 === t0 ? 0 : (t - t0) / (t1 - t0)) * (width - pad.left - pad.right);
  const y = v => height - pad.bottom - (v / yMax) * (height - pad.top - pad.bottom);

  const svg = s('svg', {class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': spec.title,
    id: spec.id, 'data-points': values.length});
  svg.append(s('text', {x: pad.left, y: 16, class: 'chart-title'}, spec.title));
  for (const v of yTicks) {
    svg.append(s('line', {x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v), class: 'gridline'}));
    svg.append(s('text', {x: pad.left - 6, y: y(v) + 4, class: 'tick', 'text-anchor': 'end'}, format(v)));
  }
  if (times.length) {
    for (const [t, anchor] of [[t0, 'start'], [(t0 + t1) / 2, 'middle'], [t1, 'end']]) {
      const label = new Date(t).toISOString().substring(11, 19);
      svg.append(s('text', {x: x(t), y: height - 8, class: 'tick', 'text-anchor': anchor}, label));
    }
  }
  spec.series.forEach((series, i) => {
    let d = '';
    let pen = false;
    for (const [t, v] of series.points) {
      if (v === null || v === undefined) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${x(t.getTime()).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    }
    if (d) svg.append(s('path', {d, class: `line series-${i}`, 'data-series': series.name}));
    // A value between two gaps has no line to be seen on: a dot instead.
    const missing = k => k < 0 || k >= series.points.length || series.points[k][1] === null || series.points[k][1] === undefined;
    series.points.forEach(([t, v], k) => {
      if (!missing(k) && missing(k - 1) && missing(k + 1)) {
        svg.append(s('circle', {cx: x(t.getTime()).toFixed(1), cy: y(v).toFixed(1), r: 2.5, class: `dot series-${i}`}));
      }
    });
    const lx = width - pad.right - (spec.series.length - i) * 110;
    svg.append(s('rect', {x: lx, y: 8, width: 10, height: 10, class: `swatch series-${i}`}));
    svg.append(s('text', {x: lx + 14, y: 17, class: 'legend'}, series.name));
  });
  return svg;
}
