// Browser tests of the bibia page in Debian's headless Chromium (driven by
// playwright-core, checked by axe-core), against a real bibia-node serving
// HTTPS on 127.0.0.1 with the demo catalogue and a record whose texts are
// HTML injection attempts. Each step prints PASS/FAIL; a screenshot of each
// view goes to $BIBIA_ARTIFACTS. Exit code 1 if any step failed.
// Figures (page weight of the first view, time to first result) are printed,
// not asserted.
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const env = (k) => { const v = process.env[k]; if (!v) throw new Error(`${k} not set`); return v; };
const NODE = env('BIBIA_NODE'), CLI = env('BIBIA_CLI'), DEMO = env('BIBIA_DEMO'), XSS = env('BIBIA_XSS');
const DEPS = env('BIBIA_BROWSER_DEPS'), ARTIFACTS = env('BIBIA_ARTIFACTS');
const require = createRequire(path.join(DEPS, 'package.json'));
const { chromium } = require('playwright-core');
// Evaluated through the DevTools protocol: the page's CSP (no inline script)
// stays on, as a user gets it.
const AXE_SOURCE = fs.readFileSync(path.join(DEPS, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

fs.mkdirSync(ARTIFACTS, { recursive: true });
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bibia-browser-'));
const dataDir = path.join(work, 'node');
let nodeProcess = null;
let failures = 0;

async function waitForFile(file, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (fs.existsSync(file)) { const s = fs.readFileSync(file, 'utf8').trim(); if (s) return s; }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${file} not written within ${ms} ms`);
}

async function startNode() {
  execFileSync(NODE, ['init', '--data-dir', dataDir, '--id', 'browser-test', '--collectivity', 'Test'], { stdio: 'pipe' });
  const log = fs.openSync(path.join(work, 'node.log'), 'w');
  nodeProcess = spawn(NODE, ['--data-dir', dataDir, '--listen', '127.0.0.1:0', '--port-file', path.join(work, 'grpc.port'),
    '--http', '127.0.0.1:0', '--http-port-file', path.join(work, 'http.port'), '--anonymous-rate', '0'],
    { stdio: ['ignore', log, log] });
  const grpc = await waitForFile(path.join(work, 'grpc.port'), 30000);
  const http = await waitForFile(path.join(work, 'http.port'), 5000);
  const token = execFileSync(NODE, ['token', 'issue', '--data-dir', dataDir, '--subject', 'browser-test', '--tier', 'expert', '--role', 'admin']).toString().trim();
  const cli = (...args) => execFileSync(CLI, ['--node', grpc, '--ca', path.join(dataDir, 'tls.crt'), '--token', token, ...args], { stdio: 'pipe' });
  cli('import', DEMO);
  cli('project', 'put', XSS);
  const restricted = execFileSync(NODE, ['token', 'issue', '--data-dir', dataDir, '--subject', 'browser-reader', '--tier', 'restricted', '--role', 'reader']).toString().trim();
  return { base: `https://${http}`, restricted };
}

async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    console.log(`PASS ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${name}: ${e && e.stack ? e.stack : e}`);
  }
}
function assert(cond, message) { if (!cond) throw new Error(message); }

async function axeCheck(page, view) {
  if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = result.violations.filter((v) => !(v.impact === 'serious' || v.impact === 'critical'));
  if (minor.length) console.log(`  axe ${view}: minor/moderate: ${minor.map((v) => `${v.id}(${v.impact})`).join(', ')}`);
  assert(bad.length === 0, `axe ${view}: ${bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`).join('; ')}`);
}
const shot = (page, name) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
const resultIds = (page) => page.$$eval('#results li.result', (lis) => lis.map((li) => li.dataset.id));
const facetTexts = (page) => page.$$eval('#facet-groups .facet-value', (bs) => bs.map((b) => b.textContent.trim()).join(' | '));

async function main() {
  const { base, restricted } = await startNode();
  console.log(`node serving ${base}/`);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 } });
  const dialogs = [];
  const errors = [];
  context.on('page', (p) => { p.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); }); });
  const page = await context.newPage();
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.setDefaultTimeout(15000);

  // First view: bytes transferred and time to the first result.
  let bytes = 0;
  const onResponse = async (r) => { try { bytes += (await r.body()).length; } catch (e) { /* redirects */ } };
  page.on('response', onResponse);

  await step('page loads in French', async () => {
    const t0 = Date.now();
    await page.goto(base + '/');
    await page.waitForSelector('#results li.result');
    console.log(`  figure: first view ${bytes} bytes of responses; first results after ${Date.now() - t0} ms`);
    assert(await page.getAttribute('html', 'lang') === 'fr', 'html lang is not fr');
    const h1 = await page.textContent('#search-heading');
    assert(h1.includes('collectivités'), `heading: ${h1}`);
    await axeCheck(page, 'search');
    await shot(page, '01-search');
  });
  page.off('response', onResponse);

  await step('typing "fuites" shows the Sicoval and CAPI projects', async () => {
    const t0 = Date.now();
    await page.fill('#q', '');
    await page.type('#q', 'fuites', { delay: 30 });
    await page.waitForFunction(() => new URLSearchParams(location.search).get('q') === 'fuites');
    await page.waitForFunction(() => [...document.querySelectorAll('#results li.result')].some((li) => li.dataset.id === 'sicoval-detection-fuites-eau'));
    console.log(`  figure: results ${Date.now() - t0} ms after the first key`);
    const ids = await resultIds(page);
    assert(ids.includes('sicoval-detection-fuites-eau') && ids.includes('capi-detection-fuites-eau'), `results: ${ids}`);
    await shot(page, '02-search-fuites');
  });

  await step('a query no project fully matches says it shows the closest ones', async () => {
    await page.goto(base + '/?q=' + encodeURIComponent('fuites zzqqxxww'));
    await page.waitForSelector('#results li.result');
    await page.waitForSelector('#match-note:not([hidden])');
    const note = await page.textContent('#match-note');
    assert(note.includes('plus proches'), `note: ${note}`);
    const ids = await resultIds(page);
    assert(ids.includes('sicoval-detection-fuites-eau'), `results: ${ids}`);
    await page.goto(base + '/?q=fuites');
    await page.waitForSelector('#results li.result');
    assert(await page.isHidden('#match-note'), 'note shown for a query every hit matches');
  });

  let beforeFilter = '';
  await step('filtering a domain changes the counts', async () => {
    beforeFilter = await facetTexts(page);
    const countBefore = await page.textContent('#result-count');
    const water = page.locator('#facet-groups button[data-facet="domain"][data-value="water"]');
    await water.click();
    await page.waitForFunction(() => new URLSearchParams(location.search).get('domain') === 'water');
    await page.waitForSelector('#facet-groups button[data-facet="domain"][data-value="water"][aria-pressed="true"]');
    const after = await facetTexts(page);
    assert(after !== beforeFilter, `facet counts did not change: ${after}`);
    const countAfter = await page.textContent('#result-count');
    console.log(`  counts: "${countBefore}" -> "${countAfter}"`);
    const ids = await resultIds(page);
    assert(ids.length > 0 && ids.includes('capi-detection-fuites-eau'), `filtered results: ${ids}`);
    await axeCheck(page, 'search filtered');
  });

  await step('the back button returns to the unfiltered search', async () => {
    await page.goBack();
    await page.waitForFunction(() => !new URLSearchParams(location.search).get('domain') && new URLSearchParams(location.search).get('q') === 'fuites');
    await page.waitForFunction((before) => [...document.querySelectorAll('#facet-groups .facet-value')].map((b) => b.textContent.trim()).join(' | ') === before, beforeFilter);
    assert(await page.inputValue('#q') === 'fuites', 'query lost');
  });

  await step('overview: charts, map, energy, reuse graph', async () => {
    await page.click('#nav-overview');
    await page.waitForSelector('svg.map path.region');
    const regions = await page.$$eval('svg.map path.region', (ps) => ps.map((p) => [p.getAttribute('aria-label'), p.getAttribute('tabindex')]));
    assert(regions.length === 13, `regions: ${regions.length}`);
    assert(regions.every(([label, tab]) => label && tab === '0'), 'a region lacks a name or keyboard focus');
    assert(await page.$$eval('figure.chart', (f) => f.length) >= 4, 'charts missing');
    const energy = await page.textContent('p.energy');
    assert(/kWh/.test(energy), `energy: ${energy}`);
    await axeCheck(page, 'overview');
    await shot(page, '03-overview');
  });

  await step('clicking a region on the map filters the search', async () => {
    await page.click('svg.map path[data-region="Occitanie"]');
    await page.waitForFunction(() => new URLSearchParams(location.search).get('region') === 'Occitanie');
    await page.waitForSelector('#results li.result');
    const regions = await page.$$eval('#results li.result .who', (w) => w.map((x) => x.textContent));
    assert(regions.length > 0 && regions.every((r) => r.includes('Occitanie')), `regions: ${regions}`);
    await shot(page, '04-region-occitanie');
  });

  await step('a region is reachable and chosen with the keyboard', async () => {
    await page.click('#nav-overview');
    await page.waitForSelector('svg.map path.region');
    await page.focus('svg.map path[data-region="Bretagne"]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => new URLSearchParams(location.search).get('region') === 'Bretagne');
  });

  await step('opening a project page', async () => {
    await page.goto(base + '/?q=fuites');
    await page.waitForSelector('#results li.result[data-id="sicoval-detection-fuites-eau"] a');
    await page.click('#results li.result[data-id="sicoval-detection-fuites-eau"] a');
    await page.waitForFunction(() => new URLSearchParams(location.search).get('project') === 'sicoval-detection-fuites-eau');
    await page.waitForSelector('#view-project h1');
    const h1 = await page.textContent('#view-project h1');
    assert(/fuites/i.test(h1), `project heading: ${h1}`);
    const text = await page.textContent('#view-project');
    assert(text.includes('Transparence') && text.includes('Empreinte'), 'transparency or footprint section missing');
    assert(!text.includes('Contacts'), 'restricted section shown without a token');
    await axeCheck(page, 'project');
    await shot(page, '05-project');
  });

  await step('reuse links both ways and the "to be reviewed" flag', async () => {
    await page.goto(base + '/?project=nantes-prevision-frequentation-cantines');
    await page.waitForSelector('#view-project h1');
    const reused = await page.$$eval('#view-project a', (as) => as.map((a) => a.getAttribute('href')));
    assert(reused.includes('/?project=lyon-magali-restauration-colleges'), `reused-by links: ${reused}`);
    await page.goto(base + '/?project=lyon-magali-restauration-colleges');
    await page.waitForSelector('#view-project h1');
    const basedOn = await page.$$eval('#view-project a', (as) => as.map((a) => a.getAttribute('href')));
    assert(basedOn.includes('/?project=nantes-prevision-frequentation-cantines'), `based-on links: ${basedOn}`);
    // Its review date (2026-09-01) has passed: flagged in results and on its page.
    await page.goto(base + '/?q=cantine');
    await page.waitForSelector('#results li.result[data-id="essonne-ia-gasp-colleges"]');
    assert(await page.$('#results li.result[data-id="essonne-ia-gasp-colleges"] .stale'), 'no "to be reviewed" badge');
    await page.goto(base + '/?project=essonne-ia-gasp-colleges');
    await page.waitForSelector('#view-project .stale-banner');
  });

  await step('switching to English', async () => {
    await page.goto(base + '/?project=sicoval-detection-fuites-eau');
    await page.waitForSelector('#view-project h1');
    await page.click('#lang-switch');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.waitForFunction(() => new URLSearchParams(location.search).get('lang') === 'en');
    // The page renders again in English once its texts are swapped: wait for it.
    const english = await page.waitForFunction(() => {
      const text = document.querySelector('#view-project')?.textContent || '';
      return text.includes('Transparency') && text.includes('Energy footprint');
    }, null, {timeout: 15000}).then(() => true, () => false);
    assert(english, 'project page not in English');
    await axeCheck(page, 'project (en)');
    await shot(page, '06-project-en');
  });

  await step('a shared search URL reloads the same search', async () => {
    const shared = await context.newPage();
    await shared.goto(base + '/?q=fuites&domain=water&lang=en');
    await shared.waitForSelector('#results li.result');
    assert(await shared.inputValue('#q') === 'fuites', 'query not restored');
    assert(await shared.getAttribute('html', 'lang') === 'en', 'language not restored');
    await shared.waitForSelector('#facet-groups button[data-facet="domain"][data-value="water"][aria-pressed="true"]');
    const ids = await resultIds(shared);
    assert(ids.includes('capi-detection-fuites-eau'), `shared results: ${ids}`);
    await shared.reload();
    await shared.waitForSelector('#results li.result');
    assert(await shared.inputValue('#q') === 'fuites', 'query not restored after reload');
    await axeCheck(shared, 'search (en)');
    await shot(shared, '07-shared-search-en');
    await shared.close();
  });

  await step('a record holding HTML is rendered inert', async () => {
    await page.goto(base + '/?q=xsssentinel');
    await page.waitForSelector('#results li.result[data-id="xss-test-record"]');
    const title = await page.textContent('#results li.result[data-id="xss-test-record"] h2 a');
    assert(title === '<img src=x onerror=alert(1)>', `title shown as: ${title}`);
    assert(await page.$$eval('#results img, #results script, #results svg, #results b', (e) => e.length) === 0, 'markup from a record reached the DOM');
    await page.click('#results li.result[data-id="xss-test-record"] h2 a');
    await page.waitForSelector('#view-project h1');
    assert(await page.textContent('#view-project h1') === '<img src=x onerror=alert(1)>', 'project title not shown as text');
    assert(await page.$$eval('#view-project img, #view-project script, #view-project b', (e) => e.length) === 0, 'markup reached the project page');
    const hrefs = await page.$$eval('#view-project a', (as) => as.map((a) => a.getAttribute('href')));
    assert(!hrefs.some((h) => /^javascript:/i.test(h || '')), 'a javascript: link was made');
    await page.waitForTimeout(300);
    assert(dialogs.length === 0, `dialogs opened: ${dialogs}`);
    assert(await page.evaluate(() => window.__xss === undefined), 'injected script ran');
    await shot(page, '08-xss-inert');
  });

  await step('with a token: restricted facet and feedback', async () => {
    await page.goto(base + '/?project=capi-detection-fuites-eau');
    await page.click('#token-box summary');
    await page.fill('#token', restricted);
    await page.click('#token-form button[type="submit"]');
    await page.waitForSelector('#view-project .feedback li');
    const text = await page.textContent('#view-project');
    assert(text.includes('Contacts') || text.includes('Informations réservées'), 'restricted facet not shown');
    const cookies = await context.cookies();
    assert(cookies.length === 0, `cookies set: ${cookies.map((c) => c.name)}`);
    await axeCheck(page, 'project (token)');
    await shot(page, '09-project-token');
  });

  await step('usable on a phone', async () => {
    const phone = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    const p = await phone.newPage();
    await p.goto(base + '/?q=eau');
    await p.waitForSelector('#results li.result');
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(overflow <= 1, `horizontal overflow of ${overflow} px`);
    await axeCheck(p, 'search (phone)');
    await shot(p, '10-phone-search');
    await p.goto(base + '/?view=overview');
    await p.waitForSelector('svg.map path.region');
    await shot(p, '11-phone-overview');
    await phone.close();
  });

  assert(errors.length === 0 || true, '');
  if (errors.length) { failures++; console.log(`FAIL page errors: ${errors.join(' | ')}`); }
  await browser.close();
}

try {
  await main();
} catch (e) {
  failures++;
  console.log(`FAIL setup: ${e && e.stack ? e.stack : e}`);
  if (fs.existsSync(path.join(work, 'node.log'))) console.log(fs.readFileSync(path.join(work, 'node.log'), 'utf8').slice(-3000));
} finally {
  if (nodeProcess) nodeProcess.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  fs.rmSync(work, { recursive: true, force: true });
}
console.log(failures ? `${failures} step(s) failed; screenshots in ${ARTIFACTS}` : `all browser steps passed; screenshots in ${ARTIFACTS}`);
process.exit(failures ? 1 : 0);
