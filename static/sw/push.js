/*
 * Push reminders: show each message as a notification, open the right page on a
 * tap, mark a step done from the "Done" action, follow a changed subscription.
 *
 * Messages use the Declarative Web Push shape ({"web_push": 8030, "notification":
 * {...}}), so Safari can show them without this worker; here we read the same fields.
 * Every push shows a notification: silent pushes get a subscription revoked.
 */
// API and planState: static/js/shared.js, which /sw.js carries before this file.
/* global self, clients, fetch, URL, MANIFEST, API, planState */
'use strict';

function sharedAsset (pattern) {
  const entry = MANIFEST.shared.find((e) => pattern.test(e.url));
  return entry ? entry.url : undefined;
}

function onPush (event) {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {
    message = {};
  }
  const n = message.notification || {};
  const actions = (n.actions || []).map((a) => ({ action: a.action, title: a.title }));
  event.waitUntil(self.registration.showNotification(n.title || 'SIM Exit', {
    body: n.body || '',
    lang: n.lang,
    dir: n.dir || 'auto',
    tag: n.tag,
    renotify: Boolean(n.tag),
    timestamp: n.timestamp,
    icon: sharedAsset(/icon-192\./),
    badge: sharedAsset(/badge-72\./),
    actions: actions,
    data: { navigate: n.navigate || '/', actions: n.actions || [], plan: (n.data || {}).plan, kind: (n.data || {}).kind }
  }));
}

async function markDone (data) {
  const state = await planState.get();
  if (!state || state.id !== data.plan || !data.kind) { return false; }
  const response = await fetch(API.done(state.id, data.kind),
    { method: 'POST', headers: { Authorization: 'Bearer ' + state.token } });
  return response.ok;
}

async function openPage (url) {
  const target = new URL(url, self.location.origin);
  const windows = await clients.matchAll({ type: 'window', includeUncontrolled: true });
  const same = windows.find((w) => new URL(w.url).pathname === target.pathname);
  if (same) {
    await same.focus();
    return same.navigate ? same.navigate(target.href).catch(() => same) : same;
  }
  return clients.openWindow(target.href);
}

function onNotificationClick (event) {
  const notification = event.notification;
  const data = notification.data || {};
  notification.close();
  if (event.action === 'done') {
    event.waitUntil(markDone(data).then((ok) => {
      if (!ok) {
        // No stored plan here (or offline): the page marks it done from ?done=.
        const action = (data.actions || []).find((a) => a.action === 'done');
        return openPage(action ? action.navigate : data.navigate);
      }
      return undefined;
    }));
    return;
  }
  const chosen = (data.actions || []).find((a) => a.action === event.action);
  event.waitUntil(openPage(chosen ? chosen.navigate : data.navigate));
}

async function resubscribe (event) {
  const state = await planState.get();
  const old = event.oldSubscription;
  const key = old && old.options ? old.options.applicationServerKey : null;
  const subscription = event.newSubscription ||
    (key ? await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }) : null);
  if (!state || !subscription) { return; }
  const response = await fetch(API.subscription(state.id), {
    method: 'PUT',
    headers: { Authorization: 'Bearer ' + state.token, 'Content-Type': 'application/json' },
    body: JSON.stringify({ subscription: subscription.toJSON() })
  });
  if (response.ok) {
    await planState.set(Object.assign({}, state, { endpoint: subscription.endpoint }));
  }
}

self.addEventListener('push', onPush);
self.addEventListener('notificationclick', onNotificationClick);
self.addEventListener('pushsubscriptionchange', (event) => event.waitUntil(resubscribe(event)));
