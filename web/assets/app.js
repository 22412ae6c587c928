// The bibia page: search as you type with facet filters, a project page and
// the catalogue at a glance, over the node's JSON API. The state lives in the
// URL (shareable, the back button works). Record text is only ever set with
// textContent or as attribute values: never parsed as HTML.
'use strict';
(function () {
  const I18N = window.BIBIA_I18N;
  const C = window.BibiaCharts;
  const el = C.el;
  const FACETS = ['domain', 'status', 'region'];
  const PAGE = 20;
  // Bounds of the full list the overview and the reuse links read.
  const ALL_PAGE = 500, ALL_MAX_PAGES = 4;
  // Up to this many projects, a search without query filters and counts the
  // whole list in the page; above, it pages through the node's list.
  const SMALL_CATALOGUE = 2000;

  let lang = 'fr';
  let token = sessionStorage.getItem('bibia-token') || '';
  let requestSeq = 0;
  let typing = false;
  let currentView = '';
  let allProjectsPromise = null;
  let statsPromise = null;
  let lastSearch = null;  // where "back to results" leads

  const t = (key, ...args) => {
    const v = I18N[lang][key];
    return typeof v === 'function' ? v(...args) : v;
  };
  const shortEnum = (v, prefix) => (v ? String(v).replace(prefix, '').toLowerCase() : '');
  const domainLabel = (d) => (I18N[lang].domains[d] || d || t('unknown'));
  const statusLabel = (s) => (I18N[lang].statuses[s] || s || t('unknown'));
  const titleOf = (p) => (lang === 'en' && p.titleEn ? p.titleEn : p.titleFr || p.titleEn || p.id);
  const summaryOf = (p) => (lang === 'en' && p.summaryEn ? p.summaryEn : p.summaryFr || p.summaryEn || '');
  const today = () => new Date().toISOString().slice(0, 10);
  const isStale = (p) => !!p.nextReviewDate && p.nextReviewDate < today();
  const safeUrl = (u) => (/^https?:\/\//i.test(u || '') ? u : null);

  // ---- API -------------------------------------------------------------
  async function api(path, withToken = true) {
    const headers = withToken && token ? { Authorization: 'Bearer ' + token } : {};
    const r = await fetch(path, { headers, credentials: 'omit' });
    let body = null;
    try { body = await r.json(); } catch (e) { body = null; }
    if (!r.ok) throw new Error(body && body.error ? `${body.error.code}: ${body.error.message}` : `HTTP ${r.status}`);
    return body;
  }
  function stats() {
    if (!statsPromise) statsPromise = api('/api/v1/stats', false);
    return statsPromise;
  }
  // Every project's public facet (bounded), for the overview, the reuse
  // links and the counts of a list without query.
  function allProjects() {
    if (!allProjectsPromise) {
      allProjectsPromise = (async () => {
        const out = [];
        let pageToken = '';
        for (let i = 0; i < ALL_MAX_PAGES; i++) {
          const q = new URLSearchParams({ limit: String(ALL_PAGE) });
          if (pageToken) q.set('page_token', pageToken);
          const page = await api('/api/v1/projects?' + q.toString(), false);
          out.push(...(page.projects || []));
          pageToken = page.nextPageToken || '';
          if (!pageToken) return { projects: out, complete: true };
        }
        return { projects: out, complete: false };
      })();
      allProjectsPromise.catch(() => { allProjectsPromise = null; });
    }
    return allProjectsPromise;
  }

  // ---- URL state -------------------------------------------------------
  function readState() {
    const u = new URLSearchParams(location.search);
    const s = { view: 'search', project: '', q: u.get('q') || '', lang: u.get('lang') === 'en' ? 'en' : 'fr' };
    for (const f of FACETS) s[f] = u.get(f) || '';
    if (u.get('project')) { s.view = 'project'; s.project = u.get('project'); }
    else if (u.get('view') === 'overview') s.view = 'overview';
    return s;
  }
  function urlOf(s) {
    const u = new URLSearchParams();
    if (s.view === 'project') u.set('project', s.project);
    else if (s.view === 'overview') u.set('view', 'overview');
    else {
      if (s.q) u.set('q', s.q);
      for (const f of FACETS) if (s[f]) u.set(f, s[f]);
    }
    if (s.lang === 'en') u.set('lang', 'en');
    const q = u.toString();
    return q ? '/?' + q : '/';
  }
  function navigate(s, replace) {
    const url = urlOf(s);
    if (url !== location.pathname + location.search) history[replace ? 'replaceState' : 'pushState'](null, '', url);
    render();
  }
  // A link to a state: a real href (new tab, copy) and in-page navigation.
  function link(s, text, attrs) {
    const a = el('a', Object.assign({ href: urlOf(s) }, attrs || {}), text);
    a.addEventListener('click', (ev) => {
      if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
      ev.preventDefault();
      typing = false;
      navigate(s, false);
    });
    return a;
  }

  // ---- static texts and language ---------------------------------------
  function applyTexts() {
    document.documentElement.lang = lang;
    document.title = `bibia – ${t('title')}`;
    document.querySelectorAll('[data-i18n]').forEach((e) => { e.textContent = t(e.dataset.i18n); });
    document.querySelectorAll('[data-i18n-placeholder]').forEach((e) => { e.placeholder = t(e.dataset.i18nPlaceholder); });
    document.querySelectorAll('[data-i18n-label]').forEach((e) => { e.setAttribute('aria-label', t(e.dataset.i18nLabel)); });
    const sw = document.getElementById('lang-switch');
    sw.textContent = t('lang_other');
    sw.lang = lang === 'fr' ? 'en' : 'fr';
    const s = readState();
    for (const [id, st] of [['home-link', { view: 'search', lang }], ['nav-search', { view: 'search', lang }], ['nav-overview', { view: 'overview', lang }]]) {
      document.getElementById(id).href = urlOf(st);
    }
    document.getElementById('nav-search').setAttribute('aria-current', s.view === 'search' ? 'page' : 'false');
    document.getElementById('nav-overview').setAttribute('aria-current', s.view === 'overview' ? 'page' : 'false');
    document.getElementById('token-state').textContent = token ? t('token_set') : t('token_none');
  }

  // ---- render ----------------------------------------------------------
  function render() {
    const s = readState();
    lang = s.lang;
    applyTexts();
    const changed = s.view !== currentView;
    currentView = s.view;
    for (const v of ['search', 'project', 'overview']) document.getElementById('view-' + v).hidden = v !== s.view;
    if (s.view === 'project') renderProject(s, changed);
    else if (s.view === 'overview') renderOverview(s, changed);
    else renderSearch(s, changed);
  }

  function focusHeading(section) {
    const h = section.querySelector('h1');
    if (h) { h.tabIndex = -1; h.focus({ preventScroll: false }); }
  }

  // ---- search ----------------------------------------------------------
  function facetButtons(s, name, counts) {
    const group = el('fieldset', { class: 'facet' }, el('legend', { text: t('facet_' + name) }));
    const list = el('ul');
    const labelOf = name === 'domain' ? domainLabel : name === 'status' ? statusLabel : (v) => v;
    if (s[name]) {
      const all = el('button', { type: 'button', class: 'facet-value clear', text: t('clear_filter') });
      all.addEventListener('click', () => { typing = false; navigate(Object.assign({}, s, { [name]: '' }), false); });
      list.append(el('li', null, all));
    }
    for (const c of counts) {
      if (!c.value) continue;
      const pressed = s[name] === c.value;
      const b = el('button', { type: 'button', class: 'facet-value', 'aria-pressed': pressed ? 'true' : 'false', 'data-facet': name, 'data-value': c.value },
        el('span', { class: 'facet-label', text: labelOf(c.value) }), ' ', el('span', { class: 'count', text: String(c.count) }));
      b.addEventListener('click', () => { typing = false; navigate(Object.assign({}, s, { [name]: pressed ? '' : c.value }), false); });
      list.append(el('li', null, b));
    }
    group.append(list);
    return group;
  }

  function countsFrom(projects, name) {
    const m = new Map();
    for (const p of projects) {
      const v = name === 'domain' ? shortEnum(p.domain, 'DOMAIN_') : name === 'status' ? shortEnum(p.status, 'STATUS_') : (p.collectivity || {}).region || '';
      if (v) m.set(v, (m.get(v) || 0) + 1);
    }
    return [...m.entries()].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  }

  function resultItem(p, s) {
    const meta = el('p', { class: 'meta' },
      el('span', { class: 'tag domain', text: domainLabel(shortEnum(p.domain, 'DOMAIN_')) }), ' ',
      el('span', { class: 'tag status', text: statusLabel(shortEnum(p.status, 'STATUS_')) }), ' ',
      el('span', { class: 'who', text: `${(p.collectivity || {}).name || ''} · ${(p.collectivity || {}).region || t('unknown')}` }));
    const h = el('h2', { class: 'result-title' }, link({ view: 'project', project: p.id, lang }, titleOf(p)));
    if (isStale(p)) h.append(' ', el('span', { class: 'stale', text: t('to_review') }));
    const summary = summaryOf(p);
    return el('li', { class: 'result', 'data-id': p.id }, h, meta,
      el('p', { class: 'summary', text: summary.length > 240 ? summary.slice(0, 239) + '…' : summary }));
  }

  async function renderSearch(s, changed) {
    lastSearch = s;
    const input = document.getElementById('q');
    if (document.activeElement !== input || !typing) input.value = s.q;
    const seq = ++requestSeq;
    const results = document.getElementById('results');
    const count = document.getElementById('result-count');
    const more = document.getElementById('more');
    const groups = document.getElementById('facet-groups');
    const note = document.getElementById('match-note');
    note.hidden = true;
    if (changed) focusHeading(document.getElementById('view-search'));
    const q = new URLSearchParams();
    for (const f of FACETS) if (s[f]) q.set(f, s[f]);
    try {
      let projects, total, facets, next = '';
      if (s.q.trim()) {
        q.set('q', s.q);
        q.set('limit', String(PAGE));
        const r = await api('/api/v1/projects?' + q.toString());
        if (seq !== requestSeq) return;
        projects = (r.hits || []).map((h) => h.project);
        total = Number(r.totalMatches || 0);
        facets = Object.fromEntries((r.facets || []).map((f) => [f.name, (f.counts || []).map((c) => ({ value: c.value, count: Number(c.count) }))]));
        next = r.nextPageToken || '';
        // How the engine answered: closest matches, or a spelling to try.
        if (r.matchMode === 'MATCH_CLOSEST' && projects.length > 0) {
          note.replaceChildren(t('closest'));
          note.hidden = false;
        } else if (r.suggestion) {
          note.replaceChildren(t('did_you_mean') + ' ', link(Object.assign({}, s, { q: r.suggestion }), r.suggestion), ' ?');
          note.hidden = false;
        }
        more.onclick = async () => {
          const q2 = new URLSearchParams(q);
          q2.set('page_token', next);
          const r2 = await api('/api/v1/projects?' + q2.toString());
          for (const h of r2.hits || []) results.append(resultItem(h.project, s));
          next = r2.nextPageToken || '';
          more.hidden = !next;
          count.textContent = t('results_page', results.children.length, total);
        };
      } else if (Number((await stats()).projects || 0) > SMALL_CATALOGUE) {
        // A large catalogue: the node's list, a page at a time; counts of the
        // whole catalogue (stats) while no filter is set.
        const st = await stats();
        q.set('limit', String(PAGE));
        const r = await api('/api/v1/projects?' + q.toString());
        if (seq !== requestSeq) return;
        projects = r.projects || [];
        const filtered = FACETS.some((f) => s[f]);
        total = filtered ? projects.length : Number(st.projects || 0);
        facets = filtered ? {} : Object.fromEntries((st.byFacet || []).map((f) => [f.name, (f.counts || []).map((c) => ({ value: c.value, count: Number(c.count) }))]));
        next = r.nextPageToken || '';
        more.onclick = async () => {
          const q2 = new URLSearchParams(q);
          q2.set('page_token', next);
          const r2 = await api('/api/v1/projects?' + q2.toString());
          for (const p of r2.projects || []) results.append(resultItem(p, s));
          next = r2.nextPageToken || '';
          more.hidden = !next;
          if (filtered) total = results.children.length;
          count.textContent = t('results_page', results.children.length, total);
        };
      } else {
        const all = await allProjects();
        if (seq !== requestSeq) return;
        const matching = all.projects.filter((p) =>
          (!s.domain || shortEnum(p.domain, 'DOMAIN_') === s.domain) &&
          (!s.status || shortEnum(p.status, 'STATUS_') === s.status) &&
          (!s.region || (p.collectivity || {}).region === s.region));
        matching.sort((a, b) => titleOf(a).localeCompare(titleOf(b), lang));
        total = matching.length;
        facets = Object.fromEntries(FACETS.map((f) => [f, countsFrom(matching, f)]));
        projects = matching.slice(0, PAGE);
        let shown = PAGE;
        next = matching.length > PAGE ? 'more' : '';
        more.onclick = () => {
          for (const p of matching.slice(shown, shown + PAGE)) results.append(resultItem(p, s));
          shown += PAGE;
          more.hidden = shown >= matching.length;
          count.textContent = t('results_page', Math.min(shown, total), total);
        };
      }
      results.replaceChildren(...projects.map((p) => resultItem(p, s)));
      count.textContent = projects.length < total ? t('results_page', projects.length, total) : t('results_n', total);
      more.hidden = !next;
      groups.replaceChildren(...FACETS.map((f) => facetButtons(s, f, facets[f] || [])));
    } catch (e) {
      if (seq !== requestSeq) return;
      results.replaceChildren();
      // A query of stop words only ("de la") matches nothing, not an error.
      count.textContent = /only stop words/.test(e.message) ? t('results_n', 0) : `${t('error')} : ${e.message}`;
      more.hidden = true;
    }
  }

  // ---- project page ----------------------------------------------------
  function dl(rows) {
    const d = el('dl', { class: 'facts' });
    for (const [k, v] of rows) {
      if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue;
      const dd = el('dd');
      if (v instanceof Node) dd.append(v); else dd.textContent = String(v);
      d.append(el('dt', { text: k }), dd);
    }
    return d;
  }
  const yesNo = (v) => (v === true ? t('yes') : v === false ? t('no') : t('not_documented'));
  function urlList(urls) {
    const ul = el('ul', { class: 'links' });
    for (const u of urls || []) {
      const safe = safeUrl(u);
      ul.append(el('li', null, safe ? el('a', { href: safe, rel: 'noopener noreferrer' }, u) : u));
    }
    return ul;
  }
  function textList(items) { return el('ul', { class: 'plain' }, ...(items || []).map((x) => el('li', { text: x }))); }

  async function renderProject(s, changed) {
    const section = document.getElementById('view-project');
    const seq = ++requestSeq;
    section.replaceChildren(el('p', { text: t('loading') }));
    try {
      const [r, all] = await Promise.all([api('/api/v1/projects/' + encodeURIComponent(s.project)), allProjects().catch(() => ({ projects: [] }))]);
      if (seq !== requestSeq) return;
      const p = r.project.public || {};
      const byId = new Map(all.projects.map((x) => [x.id, x]));
      const projectLink = (id) => link({ view: 'project', project: id, lang }, byId.has(id) ? titleOf(byId.get(id)) : id);
      const reusedBy = all.projects.filter((x) => (x.basedOn || []).includes(p.id)).map((x) => x.id);
      const tr = p.transparency || {};
      const fp = p.footprint || {};
      const parts = [
        link(Object.assign({}, lastSearch || { view: 'search' }, { view: 'search', lang }), t('back'), { class: 'back' }),
        el('h1', { text: titleOf(p) }),
      ];
      if (isStale(p)) parts.push(el('p', { class: 'stale-banner', role: 'note', text: t('to_review_long', p.nextReviewDate) }));
      parts.push(
        el('p', { class: 'meta' },
          el('span', { class: 'tag domain', text: domainLabel(shortEnum(p.domain, 'DOMAIN_')) }), ' ',
          el('span', { class: 'tag status', text: statusLabel(shortEnum(p.status, 'STATUS_')) })),
        dl([[t('collectivity'), (p.collectivity || {}).name], [t('region'), (p.collectivity || {}).region],
          [t('start_year'), p.startYear], [t('review_date'), p.nextReviewDate],
          [t('updated'), p.updatedUnixMs ? new Date(Number(p.updatedUnixMs)).toISOString().slice(0, 10) : '']]),
        el('h2', { text: t('summary') }), el('p', { class: 'summary', text: summaryOf(p) }),
        el('h2', { text: t('techniques') }), textList(p.techniques),
        el('h2', { text: t('data_sources') }), textList(p.dataSources),
        el('h2', { text: t('transparency') }),
        dl([[t('purpose'), tr.purposeAndBenefit], [t('human_in_the_loop'), yesNo(tr.humanInTheLoop)],
          [t('human_oversight'), tr.humanOversight], [t('how_to_contest'), tr.howToContest], [t('legal_basis'), tr.legalBasis],
          [t('personal_data'), yesNo(tr.personalData)], [t('dpia_done'), yesNo(tr.dpiaDone)],
          [t('dpia_url'), safeUrl(tr.dpiaUrl) ? el('a', { href: tr.dpiaUrl, rel: 'noopener noreferrer' }, tr.dpiaUrl) : ''],
          [t('notice'), yesNo(tr.publicAlgorithmNotice)],
          [t('risk_class'), I18N[lang].risks[shortEnum(tr.riskClass, 'RISK_CLASS_')] || t('not_documented')]]),
        el('h2', { text: t('footprint') }),
        dl([[t('training_kwh'), fp.trainingKwh !== undefined ? fp.trainingKwh : t('not_documented')],
          [t('inference_kwh'), fp.annualInferenceKwh !== undefined ? fp.annualInferenceKwh : t('not_documented')],
          [t('hardware'), fp.hardware], [t('hosting'), fp.hostingLocation], [t('method'), fp.measurementMethod],
          [t('frugality'), fp.frugalityNotes], [t('estimate'), fp.estimate ? t('yes') : '']]),
        el('h2', { text: t('based_on') }),
        (p.basedOn || []).length ? el('ul', { class: 'plain' }, ...p.basedOn.map((id) => el('li', null, projectLink(id)))) : el('p', { text: t('none') }),
        el('h2', { text: t('reused_by') }),
        reusedBy.length ? el('ul', { class: 'plain' }, ...reusedBy.map((id) => el('li', null, projectLink(id)))) : el('p', { text: t('none') }),
        el('h2', { text: t('links') }), urlList(p.links),
        el('h2', { text: t('tags') }), textList(p.tags));
      const rs = r.project.restricted;
      if (rs) {
        parts.push(el('h2', { text: t('restricted') }),
          dl([[t('contacts'), el('ul', { class: 'plain' }, ...(rs.contacts || []).map((c) => el('li', { text: `${c.role || ''} — ${c.email || ''}${c.expires ? ` (${c.expires})` : ''}` })))],
            [t('budget'), rs.budgetEur], [t('vendors'), (rs.vendors || []).join(', ')], [t('procurement'), rs.procurementNotes]]));
      }
      const ex = r.project.expert;
      if (ex) {
        parts.push(el('h2', { text: t('expert') }),
          dl([[t('repository'), safeUrl(ex.sourceRepository) ? el('a', { href: ex.sourceRepository, rel: 'noopener noreferrer' }, ex.sourceRepository) : ex.sourceRepository],
            [t('license'), ex.license], [t('documentation'), ex.documentationUrl], [t('demonstrator'), ex.demonstratorUrl],
            [t('artifacts'), (ex.artifacts || []).map((a) => a.name).join(', ')]]));
      }
      if (token && r.tier && r.tier !== 'TIER_PUBLIC') {
        const box = el('div', { class: 'feedback' }, el('h2', { text: t('feedback') }));
        parts.push(box);
        api('/api/v1/projects/' + encodeURIComponent(p.id) + '/feedback').then((f) => {
          const items = f.feedback || [];
          box.append(items.length ? el('ul', { class: 'plain' }, ...items.map((x) => el('li', null,
            el('strong', { text: (I18N[lang].feedback_kinds[shortEnum(x.kind, 'FEEDBACK_KIND_')] || '') + ' ' }),
            el('span', { text: `${x.authorCollectivity ? x.authorCollectivity + ' : ' : ''}${x.text || x.outcome || x.objective || ''}` })))) : el('p', { text: t('no_feedback') }));
        }).catch((e) => box.append(el('p', { text: `${t('error')} : ${e.message}` })));
      }
      parts.push(el('p', { class: 'tier', text: `${t('tier')} : ${shortEnum(r.tier, 'TIER_')}` }));
      section.replaceChildren(...parts);
      if (changed) focusHeading(section);
    } catch (e) {
      if (seq !== requestSeq) return;
      section.replaceChildren(link({ view: 'search', lang }, t('back'), { class: 'back' }),
        el('h1', { text: t('error') }), el('p', { text: e.message }));
      if (changed) focusHeading(section);
    }
  }

  // ---- overview --------------------------------------------------------
  function loadScript(src) {
    return new Promise((resolve, reject) => {
      if (document.querySelector(`script[src="${src}"]`)) return resolve();
      const sc = document.createElement('script');
      sc.src = src;
      sc.onload = resolve;
      sc.onerror = reject;
      document.head.append(sc);
    });
  }
  const number = (x) => new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'fr-FR', { maximumFractionDigits: 0 }).format(x);

  async function renderOverview(s, changed) {
    const box = document.getElementById('overview');
    const seq = ++requestSeq;
    box.replaceChildren(el('p', { text: t('loading') }));
    if (changed) focusHeading(document.getElementById('view-overview'));
    try {
      const [st, all] = await Promise.all([stats(), allProjects(), loadScript('/assets/vendor/france-regions.js')]);
      if (seq !== requestSeq) return;
      const projects = all.projects;
      const facet = (name) => ((st.byFacet || []).find((f) => f.name === name) || { counts: [] }).counts.map((c) => ({ value: c.value, count: Number(c.count) }));
      const years = new Map();
      for (const p of projects) if (p.startYear) years.set(p.startYear, (years.get(p.startYear) || 0) + 1);
      const regionCounts = new Map(facet('region').map((c) => [c.value, c.count]));
      const mapped = new Set(window.BIBIA_FRANCE_REGIONS.locations.map((l) => l.name));
      const offMap = [...regionCounts.entries()].filter(([name]) => !mapped.has(name));
      let train = 0, inf = 0, documented = 0;
      for (const p of projects) {
        const fp = p.footprint || {};
        if (fp.trainingKwh !== undefined || fp.annualInferenceKwh !== undefined) documented++;
        if (fp.trainingKwh !== undefined) train += Number(fp.trainingKwh);
        if (fp.annualInferenceKwh !== undefined) inf += Number(fp.annualInferenceKwh);
      }
      const byId = new Map(projects.map((p) => [p.id, p]));
      const edges = [];
      for (const p of projects) for (const to of p.basedOn || []) {
        edges.push({ from: p.id, to, fromLabel: titleOf(p), toLabel: byId.has(to) ? titleOf(byId.get(to)) : to });
      }
      const pick = (name) => { typing = false; navigate({ view: 'search', region: name, lang }, false); };
      const parts = [
        el('p', { class: 'totals', text: t('totals', Number(st.projects || 0), Number(st.collectivities || 0), Number(st.feedback || 0)) }),
        el('div', { class: 'grid' },
          C.barChart(t('by_domain'), facet('domain').map((c) => ({ label: domainLabel(c.value), value: c.count }))),
          C.barChart(t('by_status'), facet('status').map((c) => ({ label: statusLabel(c.value), value: c.count }))),
          C.barChart(t('by_year'), [...years.entries()].sort((a, b) => a[0] - b[0]).map(([y, n]) => ({ label: String(y), value: n }))),
          C.regionMap(t('map_title'), t('map_label'), window.BIBIA_FRANCE_REGIONS, regionCounts, (n, c) => t('map_region', n, c), pick)),
      ];
      if (offMap.length) {
        parts.push(el('p', null, `${t('map_overseas')} : `, ...offMap.map(([n, c], i) => el('span', null, i ? ', ' : '', link({ view: 'search', region: n, lang }, `${n} (${c})`)))));
      }
      if (!all.complete) parts.push(el('p', { class: 'partial', text: t('partial', projects.length) }));
      parts.push(el('h2', { text: t('energy') }), el('p', { class: 'energy', text: t('energy_text', number(train), number(inf), documented, projects.length) }));
      parts.push(el('h2', { text: t('reuse') }));
      if (edges.length) {
        parts.push(C.reuseGraph(edges), el('ul', { class: 'plain reuse-list' }, ...edges.map((e) => el('li', null,
          link({ view: 'project', project: e.from, lang }, e.fromLabel), ` ${t('reuse_edge')} `, link({ view: 'project', project: e.to, lang }, e.toLabel)))));
      } else {
        parts.push(el('p', { text: t('reuse_none') }));
      }
      box.replaceChildren(...parts);
    } catch (e) {
      if (seq !== requestSeq) return;
      box.replaceChildren(el('p', { text: `${t('error')} : ${e.message}` }));
    }
  }

  // ---- wiring ----------------------------------------------------------
  function start() {
    let debounce = null;
    const input = document.getElementById('q');
    input.addEventListener('input', () => {
      clearTimeout(debounce);
      debounce = setTimeout(() => {
        const s = readState();
        // The first change of a typing session is a history entry; the
        // following ones replace it.
        const replace = typing;
        typing = true;
        navigate(Object.assign({}, s, { view: 'search', q: input.value }), replace);
      }, 180);
    });
    input.addEventListener('blur', () => { typing = false; });
    document.getElementById('search-form').addEventListener('submit', (ev) => { ev.preventDefault(); typing = false; });
    document.getElementById('lang-switch').addEventListener('click', () => {
      const s = readState();
      navigate(Object.assign({}, s, { lang: s.lang === 'en' ? 'fr' : 'en' }), false);
    });
    for (const id of ['home-link', 'nav-search', 'nav-overview']) {
      document.getElementById(id).addEventListener('click', (ev) => {
        if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
        ev.preventDefault();
        typing = false;
        navigate({ view: id === 'nav-overview' ? 'overview' : 'search', lang }, false);
      });
    }
    document.getElementById('token-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      token = document.getElementById('token').value.trim();
      if (token) sessionStorage.setItem('bibia-token', token); else sessionStorage.removeItem('bibia-token');
      document.getElementById('token').value = '';
      render();
    });
    document.getElementById('token-clear').addEventListener('click', () => {
      token = '';
      sessionStorage.removeItem('bibia-token');
      render();
    });
    window.addEventListener('popstate', () => { typing = false; render(); });
    render();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();
