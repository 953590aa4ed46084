/*
 * SIM Exit service worker: precache, offline pages, safe updates.
 *
 * self.SIMEXIT_PRECACHE (written by `flask build` above this file) lists the shared
 * assets and, per language, every page with its content revision. Cache keys carry
 * the revision, so a changed page gets a new key and an unchanged one is reused;
 * no cache name is ever bumped by hand. A new worker waits until the page's
 * "Reload" button posts SKIP_WAITING, so a page never mixes two builds.
 * Every install also saves each language's small offline page, so a page of a
 * language not saved yet answers, offline, in the language that was asked for.
 */
// STATE_CACHE and API: static/js/shared.js, which /sw.js carries before this file.
/* global self, caches, crypto, URL, Request, fetch, STATE_CACHE, API */
'use strict';

const PRECACHE = 'simexit-precache';
/** Caches of ours that outlive a build: the precache and the reminder plan's state. */
const KEEP_CACHES = [PRECACHE, STATE_CACHE];
const MANIFEST = self.SIMEXIT_PRECACHE;
const DEBUG = self.location.hostname === 'localhost';

function log () {
  if (DEBUG) { console.log.apply(console, ['[sw]'].concat(Array.from(arguments))); }
}

function cacheKey (entry) {
  if (!entry.revision) { return new URL(entry.url, self.location).href; }
  const url = new URL(entry.url, self.location);
  url.searchParams.set('__rev', entry.revision);
  return url.href;
}

function offlineUrl (lang) {
  return new URL('/' + lang + '/offline/', self.location).href;
}

/** url (absolute, no query) -> cache key, for every entry of every language. */
const KEYS = new Map();
MANIFEST.shared.forEach((e) => KEYS.set(new URL(e.url, self.location).href, cacheKey(e)));
Object.keys(MANIFEST.langs).forEach((lang) => {
  MANIFEST.langs[lang].forEach((e) => KEYS.set(new URL(e.url, self.location).href, cacheKey(e)));
});

/** Each language's offline page: precached by every install, whichever languages are saved. */
const OFFLINE_PAGES = Object.keys(MANIFEST.langs).map((lang) =>
  MANIFEST.langs[lang].find((e) => new URL(e.url, self.location).href === offlineUrl(lang))).filter(Boolean);

async function digest (response) {
  const bytes = await crypto.subtle.digest('SHA-256', await response.clone().arrayBuffer());
  return Array.from(new Uint8Array(bytes)).map((b) => b.toString(16).padStart(2, '0')).join('').slice(0, 16);
}

/**
 * Fetch and store every entry not already cached under its current key. A page whose
 * bytes do not match its revision belongs to another build: it is never stored.
 */
async function precache (entries) {
  const cache = await caches.open(PRECACHE);
  const existing = new Set((await cache.keys()).map((r) => r.url));
  await Promise.all(entries.map(async (entry) => {
    const key = cacheKey(entry);
    if (existing.has(key)) { return; }
    const response = await fetch(new Request(entry.url, { cache: 'reload', credentials: 'same-origin' }));
    if (!response.ok || response.redirected) {
      throw new Error('precache failed for ' + entry.url + ': ' + response.status);
    }
    if (entry.revision && await digest(response) !== entry.revision) {
      throw new Error('precache: ' + entry.url + ' is from another build');
    }
    await cache.put(key, response);
  }));
}

/**
 * The languages this device has saved before (an update keeps them offline). A language's
 * offline page alone does not count: every install saves all of them.
 */
async function savedLanguages () {
  const cache = await caches.open(PRECACHE);
  const urls = (await cache.keys()).map((r) => new URL(r.url));
  return Object.keys(MANIFEST.langs).filter((lang) => urls.some((u) =>
    u.pathname.startsWith('/' + lang + '/') && u.origin + u.pathname !== offlineUrl(lang)));
}

function onInstall (event) {
  event.waitUntil((async () => {
    const langs = await savedLanguages();
    const wanted = MANIFEST.shared.concat(OFFLINE_PAGES, ...langs.map((lang) => MANIFEST.langs[lang]));
    // A saved language lists its offline page again: fetch it once.
    const entries = Array.from(new Map(wanted.map((e) => [cacheKey(e), e])).values());
    await precache(entries);
    log('installed', MANIFEST.version, langs);
  })());
}

/** Remove what this build no longer lists, and caches of ours with other names. */
function onActivate (event) {
  event.waitUntil((async () => {
    const wanted = new Set(KEYS.values());
    const cache = await caches.open(PRECACHE);
    const requests = await cache.keys();
    await Promise.all(requests.filter((r) => !wanted.has(r.url)).map((r) => cache.delete(r)));
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith('simexit-') && KEEP_CACHES.indexOf(n) === -1).map((n) => caches.delete(n)));
    await self.clients.claim();
    log('activated', MANIFEST.version);
  })());
}

function langOf (url) {
  const first = url.pathname.split('/')[1];
  return Object.prototype.hasOwnProperty.call(MANIFEST.langs, first) ? first : null;
}

/**
 * The language of the page the visitor is on: the most recently focused window of ours
 * whose URL has a language (the page that navigates is still open while we answer; a
 * navigation carries no referrer, the site's policy is no-referrer).
 */
async function currentLanguage () {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const langs = windows.map((client) => langOf(new URL(client.url))).filter(Boolean);
  return langs.length ? langs[0] : null;
}

/**
 * The offline page for a navigation we cannot answer: in the language of the URL asked for,
 * else (a URL with no known language) the current page's, else the default (English); any
 * other language's rather than none.
 */
async function offlinePage (url) {
  const langs = [langOf(url) || await currentLanguage(), MANIFEST.default_lang].concat(Object.keys(MANIFEST.langs));
  for (const lang of langs) {
    const key = lang && KEYS.get(offlineUrl(lang));
    const page = key && await caches.match(key, { cacheName: PRECACHE });
    if (page) { return page; }
  }
  return null;
}

async function respond (request) {
  const url = new URL(request.url);
  const bare = url.origin + url.pathname;
  const key = KEYS.get(bare);
  if (key) {
    const cached = await caches.match(key, { cacheName: PRECACHE });
    if (cached) { return cached; }
  }
  try {
    return await fetch(request);
  } catch (error) {
    const page = request.mode === 'navigate' ? await offlinePage(url) : null;
    if (!page) { throw error; }
    return page;
  }
}

function onFetch (event) {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith(API.prefix)) {
    return;
  }
  event.respondWith(respond(request));
  const lang = request.mode === 'navigate' ? langOf(url) : null;
  if (lang) {
    // Opening any page of a language saves the whole language for offline use.
    event.waitUntil(precache(MANIFEST.langs[lang]).catch((e) => log('background precache failed', e)));
  }
}

function onMessage (event) {
  const data = event.data || {};
  const reply = (message) => { if (event.ports[0]) { event.ports[0].postMessage(message); } };
  if (data.type === 'SKIP_WAITING') {
    self.skipWaiting();
  } else if (data.type === 'CACHE_LANG' && MANIFEST.langs[data.lang]) {
    event.waitUntil(precache(MANIFEST.shared.concat(MANIFEST.langs[data.lang]))
      .then(() => reply({ ok: true, version: MANIFEST.version }))
      .catch((error) => reply({ ok: false, error: String(error) })));
  } else if (data.type === 'GET_VERSION') {
    reply({ ok: true, version: MANIFEST.version });
  }
}

self.addEventListener('install', onInstall);
self.addEventListener('activate', onActivate);
self.addEventListener('fetch', onFetch);
self.addEventListener('message', onMessage);
