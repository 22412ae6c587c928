// Small SVG drawings for the overview: horizontal bar charts, the map of
// regions and the reuse graph. Each drawing is aria-hidden and comes with an
// equivalent for assistive technologies (a table or a list), except the map,
// whose regions are themselves labelled, focusable buttons.
'use strict';
(function () {
  const SVG = 'http://www.w3.org/2000/svg';

  function svgEl(tag, attrs) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    return e;
  }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else e.setAttribute(k, String(v));
    }
    for (const c of children) if (c != null) e.append(c);
    return e;
  }

  // entries: [{label, value, onPick?}] -> <figure> with bars and a table.
  function barChart(title, entries) {
    const max = Math.max(1, ...entries.map((e) => e.value));
    const row = 26, labelW = 190, barW = 240, width = labelW + barW + 50;
    const svg = svgEl('svg', { viewBox: `0 0 ${width} ${row * entries.length + 4}`, class: 'bars', 'aria-hidden': 'true', focusable: 'false' });
    entries.forEach((e, i) => {
      const y = i * row + 2;
      const label = svgEl('text', { x: labelW - 8, y: y + 17, 'text-anchor': 'end', class: 'bar-label' });
      label.textContent = e.label.length > 28 ? e.label.slice(0, 27) + '…' : e.label;
      svg.append(label);
      svg.append(svgEl('rect', { x: labelW, y: y + 4, width: Math.max(2, barW * e.value / max), height: row - 8, class: 'bar', rx: 2 }));
      const value = svgEl('text', { x: labelW + Math.max(2, barW * e.value / max) + 6, y: y + 17, class: 'bar-value' });
      value.textContent = String(e.value);
      svg.append(value);
    });
    const table = el('table', { class: 'visually-hidden' },
      el('caption', { text: title }),
      el('tbody', null, ...entries.map((e) => el('tr', null, el('th', { scope: 'row', text: e.label }), el('td', { text: String(e.value) })))));
    return el('figure', { class: 'chart' }, el('figcaption', { text: title }), svg, table);
  }

  // Shades each region by its count; each is a focusable button named with
  // its count. data: window.BIBIA_FRANCE_REGIONS; counts: Map name -> n.
  function regionMap(title, label, data, counts, describe, onPick) {
    const max = Math.max(1, ...counts.values());
    const shades = ['#f1f4f9', '#c9d8ec', '#93b3da', '#5b88c0', '#2f5f9e', '#163d73'];
    const svg = svgEl('svg', { viewBox: data.viewBox, class: 'map', role: 'group', 'aria-label': label });
    for (const loc of data.locations) {
      const n = counts.get(loc.name) || 0;
      const shade = n === 0 ? shades[0] : shades[Math.min(5, 1 + Math.floor(4 * n / max))];
      const path = svgEl('path', { d: loc.path, id: `region-${loc.id}`, fill: shade, class: 'region',
        tabindex: 0, role: 'button', 'aria-label': describe(loc.name, n), 'data-region': loc.name });
      const t = svgEl('title');
      t.textContent = describe(loc.name, n);
      path.append(t);
      path.addEventListener('click', () => onPick(loc.name));
      path.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); onPick(loc.name); }
      });
      svg.append(path);
    }
    const legend = el('p', { class: 'legend' });
    [0, 1, 3, 5].forEach((i) => {
      const sw = svgEl('svg', { width: 14, height: 14, 'aria-hidden': 'true', focusable: 'false' });
      sw.append(svgEl('rect', { width: 14, height: 14, fill: shades[i], stroke: '#555' }));
      legend.append(sw, ' ', i === 0 ? '0' : i === 5 ? `${max}` : '…', ' ');
    });
    return el('figure', { class: 'chart map-figure' }, el('figcaption', { text: title }), svg, legend);
  }

  // edges: [{from, to, fromLabel, toLabel}] (from is based on to).
  function reuseGraph(edges) {
    const sources = [...new Set(edges.map((e) => e.to))];
    const reusers = [...new Set(edges.map((e) => e.from))];
    const label = new Map();
    edges.forEach((e) => { label.set(e.from, e.fromLabel); label.set(e.to, e.toLabel); });
    const row = 34, width = 640, h = Math.max(sources.length, reusers.length) * row + 10;
    const svg = svgEl('svg', { viewBox: `0 0 ${width} ${h}`, class: 'graph', 'aria-hidden': 'true', focusable: 'false' });
    const defs = svgEl('defs');
    const marker = svgEl('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto' });
    marker.append(svgEl('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow' }));
    defs.append(marker);
    svg.append(defs);
    const yOf = (list, id) => list.indexOf(id) * row + 22;
    for (const e of edges) {
      svg.append(svgEl('line', { x1: 250, y1: yOf(reusers, e.from) - 5, x2: 385, y2: yOf(sources, e.to) - 5, class: 'edge', 'marker-end': 'url(#arrow)' }));
    }
    const short = (s) => (s.length > 36 ? s.slice(0, 35) + '…' : s);
    reusers.forEach((id) => {
      const t = svgEl('text', { x: 244, y: yOf(reusers, id), 'text-anchor': 'end', class: 'node' });
      t.textContent = short(label.get(id));
      svg.append(t);
    });
    sources.forEach((id) => {
      const t = svgEl('text', { x: 392, y: yOf(sources, id), class: 'node' });
      t.textContent = short(label.get(id));
      svg.append(t);
    });
    return svg;
  }

  window.BibiaCharts = { barChart, regionMap, reuseGraph, el };
})();
