/**
 * "Remind me": push reminders around the day the number is closed, or the same
 * plan as a calendar file built on the device (works offline, sends nothing).
 *
 * The plan's id and secret token are kept in planState (shared.js), where the service
 * worker can read them too (for the notification's "Done" action). The plan and the
 * calendar file themselves are remind-plan.js.
 */
function base64UrlToBytes (text) {
  const padded = (text + '==='.slice((text.length + 3) % 4)).replace(/-/g, '+').replace(/_/g, '/');
  const raw = window.atob(padded);
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

/** A date inside a sentence, isolated (``<bdi>``), so Arabic or Persian text around it never
 *  reorders its digits. */
function isolated (text) {
  const $bdi = document.createElement('bdi');
  $bdi.textContent = text;
  return $bdi;
}

/** The same for plain text: Unicode's first-strong isolate. */
function isolatedText (text) {
  return '\u2068' + text + '\u2069';
}

/** A short random id for a calendar plan made on the device (no server involved). */
function randomId () {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

class Remind extends Component {
  static moduleName = 'remind';

  constructor ($root) {
    super($root);
    this.rules = JSON.parse($root.getAttribute('data-rules'));
    this.locale = $root.getAttribute('data-locale');
    this.htmlLang = $root.getAttribute('data-html-lang');
    // Dates as the server writes them: Gregorian, in the language's own digits, whatever the
    // device's defaults (a Persian phone's are the Solar Hijri calendar).
    this.dateLocale = $root.getAttribute('data-date-locale') || this.htmlLang;
    this.$date = $root.querySelector('[data-remind-date]');
    this.$operator = $root.querySelector('[data-remind-operator]');
    this.$check = $root.querySelector('[data-remind-check]');
    this.$message = $root.querySelector('[data-remind-message]');
    this.$plan = $root.querySelector('[data-remind-plan]');
    this.$preview = $root.querySelector('[data-remind-preview]');
    this.$previewList = $root.querySelector('[data-remind-preview-list]');
    this.previewSeq = 0; // only the latest working-day answer may change the form
    this.$list = $root.querySelector('[data-remind-list]');
    this.$date.addEventListener('change', () => this.preview());
    this.$operator.addEventListener('change', () => this.preview());
    $root.querySelector('[data-remind-form]').addEventListener('submit', (event) => {
      event.preventDefault();
      this.subscribe();
    });
    $root.querySelector('[data-remind-calendar]').addEventListener('click', () => this.calendar());
    $root.querySelector('[data-remind-cancel]').addEventListener('click', () => this.cancel());
    $root.hidden = false;
    // A reminder's "Done" link opens the guide at #remind, which the browser could not scroll
    // to while the form was hidden. Not once the reader has scrolled (or a reload restored it).
    if (window.location.hash === '#' + $root.id && window.scrollY === 0) { $root.scrollIntoView(); }
    // The page sends the day as a text field. It becomes a date field when the form comes near
    // the screen or is focused: building one loads the language's date formats, 15 ms of one
    // task on a slow phone, which a reader who never scrolls to the form should not wait for.
    whenNear($root, () => this.dateField());
    this.$date.addEventListener('focus', () => this.dateField());
    // What else needs the browser (the push key, the permission, a stored plan) is asked in
    // tasks of their own, each milliseconds on a phone: the page answers a tap sooner than
    // after one long start-up task. The key is fetched before any tap, so that subscribe()
    // runs straight after it (iOS needs the gesture).
    this.keyPromise = nextTask().then(() => ((navigator.onLine && this.pushSupported())
      ? fetch(API.pushKey).then((r) => r.json()).then((d) => d.publicKey).catch(() => null)
      : null));
    nextTask().then(() => {
      this.explainSupport();
    }).then(nextTask).then(() => this.restore());
  }

  /** The operator's name: the select's choice, or the guide's own operator. */
  operatorName () {
    const $operator = this.$operator;
    return $operator.options ? $operator.options[$operator.selectedIndex].text : $operator.getAttribute('data-name');
  }

  /** The day field as a date field, from today to a year ahead (once). */
  dateField () {
    if (this.$date.type === 'date') { return; }
    this.$date.type = 'date';
    const today = new Date(); // the first local date of a page looks up the time zone: slow
    this.$date.min = isoDay(today);
    this.$date.max = isoDay(new Date(today.getFullYear() + 1, today.getMonth(), today.getDate()));
  }

  /** The device's IANA time zone; looked up on first use (the first Intl call is slow). */
  get timezone () {
    if (!this._timezone) {
      this._timezone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
    }
    return this._timezone;
  }

  pushSupported () {
    return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
  }

  isIosBrowser () {
    const ua = navigator.userAgent;
    const ios = /iPhone|iPad|iPod/.test(ua) || (ua.indexOf('Macintosh') !== -1 && navigator.maxTouchPoints > 1);
    return ios && window.navigator.standalone !== true;
  }

  explainSupport () {
    if (this.isIosBrowser()) {
      this.say(this.t('ios'));
    } else if (!this.pushSupported()) {
      this.say(this.t('unsupported'));
    } else {
      this.notificationPermission().then((state) => {
        if (state === 'denied') { this.say(this.t('denied')); }
      });
    }
  }

  /** 'granted', 'denied' or 'default'; the Permissions API answers without blocking the page
   *  (reading Notification.permission waits for the browser process). */
  notificationPermission () {
    if (!navigator.permissions || !navigator.permissions.query) {
      return Promise.resolve(Notification.permission);
    }
    return navigator.permissions.query({ name: 'notifications' })
      .then((status) => (status.state === 'prompt' ? 'default' : status.state))
      .catch(() => Notification.permission);
  }

  say (text) {
    this.$message.textContent = text || '';
  }

  choice () {
    return { operator: this.$operator.value, date: this.$date.value, timezone: this.timezone };
  }

  formatDay (iso) {
    const parts = iso.split('-').map(Number);
    return new Intl.DateTimeFormat(this.dateLocale, { dateStyle: 'full' })
      .format(new Date(parts[0], parts[1] - 1, parts[2]));
  }

  /** The dated plan, on the page as soon as a day is picked, whether or not push works. */
  showPlan (items) {
    this.$previewList.textContent = '';
    const when = new Intl.DateTimeFormat(this.dateLocale, { dateStyle: 'full', timeStyle: 'short' });
    items.forEach((item) => {
      const $item = document.createElement('li');
      const $when = document.createElement('strong');
      $when.appendChild(isolated(when.format(item.due)));
      $item.append($when, ': ' + this.t('kind-' + item.kind));
      this.$previewList.appendChild($item);
    });
    this.$preview.hidden = !items.length;
  }

  preview () {
    const seq = ++this.previewSeq;
    this.$check.textContent = '';
    const choice = this.choice();
    const items = choice.date ? localPlan(choice.date, this.rules, new Date()) : [];
    this.showPlan(items);
    if (!choice.date) { return; }
    if (!items.length) {
      this.$check.textContent = this.t('past');
      return;
    }
    const query = new URLSearchParams(choice).toString();
    fetch(API.planPreview + '?' + query).then((r) => (r.ok ? r.json() : null)).then((data) => {
      // An older answer that lands after a newer request is dropped: only the latest counts.
      if (seq !== this.previewSeq || !data || data.working_day.ok) { return; }
      const suggested = data.working_day.suggested;
      const $text = document.createElement('span');
      $text.textContent = this.t(data.working_day.reason).replace('{date}', isolatedText(this.formatDay(suggested))) + ' ';
      const $use = document.createElement('button');
      $use.type = 'button';
      $use.className = 'button button--secondary button--small';
      $use.textContent = this.t('use-suggested').replace('{date}', isolatedText(this.formatDay(suggested)));
      $use.addEventListener('click', () => { this.$date.value = suggested; this.preview(); });
      this.$check.append($text, $use);
    }).catch(() => { /* offline: the working-day check needs the server */ });
  }

  async subscribe () {
    this.say('');
    this.dateField();
    const choice = this.choice();
    if (!choice.date || !this.$date.checkValidity()) {
      this.$date.reportValidity();
      return;
    }
    this.preview(); // the plan stays on screen, whatever push does next
    if (this.isIosBrowser()) { this.say(this.t('ios')); return; }
    if (!this.pushSupported()) { this.say(this.t('unsupported')); return; }
    if (!navigator.onLine) { this.say(this.t('offline')); return; }
    const permission = await Notification.requestPermission();
    if (permission !== 'granted') { this.say(this.t('denied')); return; }
    let subscription;
    try {
      const registration = await navigator.serviceWorker.ready;
      subscription = await this.currentSubscription(registration, true);
    } catch (error) {
      // No push service for this browser (a private window, a blocked service): retrying
      // will not help, the calendar file will.
      this.say(this.t('push-failed'));
      return;
    }
    try {
      const response = await fetch(API.reminders, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(Object.assign({ subscription: subscription.toJSON(), locale: this.locale }, choice))
      });
      if (!response.ok) {
        this.say(response.status === 400 && !localPlan(choice.date, this.rules, new Date()).length
          ? this.t('past') : this.t('error'));
        return;
      }
      const plan = await response.json();
      await planState.set({ id: plan.id, token: plan.token, endpoint: subscription.endpoint });
      this.render(plan);
    } catch (error) {
      this.say(this.t('error'));
    }
  }

  async currentSubscription (registration, create) {
    const existing = await registration.pushManager.getSubscription();
    if (existing || !create) { return existing; }
    const key = await this.keyPromise || await fetch(API.pushKey).then((r) => r.json()).then((d) => d.publicKey);
    return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64UrlToBytes(key) });
  }

  /** A request about the stored plan, with its token: to ``url``, else the plan itself. */
  api (state, url, options) {
    return fetch(url || API.plan(state.id), Object.assign({
      headers: { Authorization: 'Bearer ' + state.token, 'Content-Type': 'application/json' }
    }, options || {}));
  }

  /** On launch: show the stored plan, follow a changed subscription, apply ?done=. */
  async restore () {
    const state = await planState.get();
    if (!state) { return; }
    try {
      let response = await this.api(state);
      if (response.status === 404) { await planState.clear(); return; }
      if (!response.ok) { return; }
      let plan = await response.json();
      this.render(plan);
      const done = new URLSearchParams(window.location.search).get('done');
      if (done) {
        response = await this.api(state, API.done(state.id, done), { method: 'POST' });
        if (response.ok) { plan = await response.json(); this.render(plan); }
        window.history.replaceState(null, '', window.location.pathname + window.location.hash);
      }
      await this.followSubscription(state);
    } catch (error) { /* offline: the stored plan is shown next time */ }
  }

  /** Chrome does not reliably fire pushsubscriptionchange: compare and move the plan. */
  async followSubscription (state) {
    if (!this.pushSupported() || await this.notificationPermission() !== 'granted') { return; }
    const registration = await navigator.serviceWorker.ready;
    const subscription = await this.currentSubscription(registration, true);
    if (subscription.endpoint === state.endpoint) { return; }
    const response = await this.api(state, API.subscription(state.id), {
      method: 'PUT', body: JSON.stringify({ subscription: subscription.toJSON() })
    });
    if (response.ok) {
      await planState.set(Object.assign({}, state, { endpoint: subscription.endpoint }));
    }
  }

  render (plan) {
    this.$list.textContent = '';
    const when = new Intl.DateTimeFormat(this.dateLocale, { dateStyle: 'medium', timeStyle: 'short' });
    plan.reminders.forEach((item) => {
      const $item = document.createElement('li');
      $item.className = 'remind__item';
      const state = item.state === 'pending' ? '' : ' (' + this.t('state-' + item.state, item.state) + ')';
      const $text = document.createElement('span');
      $text.append(isolated(when.format(new Date(item.due))), ': ' + this.t('kind-' + item.kind) + state);
      $item.appendChild($text);
      if (item.state === 'pending' || item.state === 'sent') {
        const $done = document.createElement('button');
        $done.type = 'button';
        $done.className = 'button button--secondary button--small';
        $done.textContent = this.t('done');
        $done.addEventListener('click', () => this.markDone(item.kind));
        $item.appendChild($done);
      }
      this.$list.appendChild($item);
    });
    this.$plan.hidden = false;
    this.$root.setAttribute('data-plan', plan.id);
  }

  async markDone (kind) {
    const state = await planState.get();
    if (!state) { return; }
    const response = await this.api(state, API.done(state.id, kind), { method: 'POST' });
    if (response.ok) { this.render(await response.json()); } else { this.say(this.t('error')); }
  }

  async cancel () {
    const state = await planState.get();
    try {
      if (state) {
        const response = await this.api(state, null, { method: 'DELETE' });
        if (!response.ok && response.status !== 404) { this.say(this.t('error')); return; }
      }
      await planState.clear();
      const registration = await navigator.serviceWorker.ready;
      const subscription = await registration.pushManager.getSubscription();
      if (subscription) { await subscription.unsubscribe(); }
    } catch (error) {
      this.say(this.t('offline'));
      return;
    }
    this.$plan.hidden = true;
    this.$root.removeAttribute('data-plan');
    this.say(this.t('cancelled'));
  }

  calendar () {
    this.dateField();
    const choice = this.choice();
    if (!choice.date || !this.$date.checkValidity()) {
      this.$date.reportValidity();
      return;
    }
    const items = localPlan(choice.date, this.rules, new Date());
    if (!items.length) { this.$check.textContent = this.t('past'); return; }
    const texts = {};
    this.rules.forEach((rule) => { texts[rule.kind] = this.t('kind-' + rule.kind); });
    const name = this.operatorName();
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const plan = { id: randomId(), operator: choice.operator, stamp: stamp,
      url: window.location.origin + window.location.pathname, lang: this.htmlLang };
    const ics = buildIcs(items, texts, this.t('calendar-title').replace('{operator}', name), plan);
    const url = URL.createObjectURL(new Blob([ics], { type: 'text/calendar' }));
    const $link = document.createElement('a');
    $link.href = url;
    $link.download = 'sim-exit-reminders.ics';
    document.body.appendChild($link);
    $link.click();
    $link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }
}

if (typeof module !== 'undefined' && module.exports) {
  module.exports = { base64UrlToBytes: base64UrlToBytes };
}
