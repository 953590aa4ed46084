/**
 * What the page and the service worker must agree on, written once: this file is part of
 * the page's script bundle and of /sw.js (webapp/assets.py: js_bundle and SW_PARTS).
 *
 * The reminder plan's id and secret token live in Cache Storage, where both can read them:
 * the page stores the plan it made; the worker uses it for a notification's "Done" action
 * and when the push subscription changes. The API paths are the routes of webapp/api.py
 * (tests/test_js_shared.py checks each one against them).
 */
/* global self, caches, Response */

/** The cache of the plan's state: kept by the worker across builds (precache.js). */
const STATE_CACHE = 'simexit-state';

/** The reminders API: ``prefix`` is never answered from the precache. */
const API = {
  prefix: '/api/',
  pushKey: '/api/push/key',
  planPreview: '/api/plan-preview',
  reminders: '/api/reminders',
  /** One plan, or a part of it (``path``: '/done/<kind>', '/subscription'). */
  plan (id, path) {
    return API.reminders + '/' + encodeURIComponent(id) + (path || '');
  },
  /** Marks one reminder of a plan done (POST). */
  done (id, kind) {
    return API.plan(id, '/done/' + encodeURIComponent(kind));
  },
  /** The plan's push subscription (PUT). */
  subscription (id) {
    return API.plan(id, '/subscription');
  }
};

/** The plan this browser made (``{id, token, endpoint}``), or null. */
const planState = {
  cache: STATE_CACHE,
  url: '/__simexit/plan', // a Cache Storage key, never fetched
  get () {
    if (!self.caches) { return Promise.resolve(null); }
    return caches.open(this.cache).then((c) => c.match(this.url)).then((r) => (r ? r.json() : null))
      .catch(() => null);
  },
  set (value) {
    return caches.open(this.cache).then((c) => c.put(this.url, new Response(JSON.stringify(value),
      { headers: { 'Content-Type': 'application/json' } })));
  },
  clear () {
    return caches.open(this.cache).then((c) => c.delete(this.url)).catch(() => false);
  }
};

if (typeof module !== 'undefined' && module.exports) {
  module.exports = { STATE_CACHE: STATE_CACHE, API: API, planState: planState };
}
