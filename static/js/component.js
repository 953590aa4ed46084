/**
 * Base for every component: found through data-module, initialised once
 * (data-<module>-init stamp), options from static defaults merged with data-*.
 */
class Component {
  constructor ($root) {
    if (!($root instanceof HTMLElement)) {
      throw new Error(this.constructor.moduleName + ': root is not an element');
    }
    const stamp = 'data-' + this.constructor.moduleName + '-init';
    if ($root.hasAttribute(stamp)) {
      throw new Error(this.constructor.moduleName + ': already initialised');
    }
    $root.setAttribute(stamp, '');
    this.$root = $root;
  }

  /** A UI string rendered by the server (flask-babel) into data-i18n.<key>. */
  t (key, fallback) {
    const value = this.$root.getAttribute('data-i18n.' + key);
    return value === null ? (fallback || key) : value;
  }
}

/** Set an attribute only when its value differs (a write restyles even when nothing changes). */
function setIfChanged ($element, name, value) {
  if ($element.getAttribute(name) !== value) { $element.setAttribute(name, value); }
}

/** Set an element's text only when it differs (the same reason). */
function setTextIfChanged ($element, text) {
  if ($element.textContent !== text) { $element.textContent = text; }
}

/** A promise that settles in a later task: the page can paint and answer taps in between. */
function nextTask () {
  return new Promise((resolve) => { window.setTimeout(resolve, 0); });
}

/** Calls back once, when $el comes within a quarter of a screen of the viewport (at once
 *  where IntersectionObserver is missing). */
function whenNear ($el, callback) {
  if (!('IntersectionObserver' in window)) { callback(); return; }
  const observer = new IntersectionObserver((entries) => {
    if (entries.some((entry) => entry.isIntersecting)) {
      observer.disconnect();
      callback();
    }
  }, { rootMargin: '0px 0px 25% 0px' });
  observer.observe($el);
}

/** localStorage that never throws: private modes and full disks just lose the tick. */
const store = {
  get (key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  },
  set (key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* storage unavailable */ }
  },
  remove (key) {
    try { window.localStorage.removeItem(key); } catch (e) { /* storage unavailable */ }
  }
};

/**
 * The page's service worker registration, shared by the components that need it. Registered
 * once the page has loaded, so that its start-up and precaching never compete with the page.
 */
const swRegistration = ('serviceWorker' in navigator && window.isSecureContext)
  ? new Promise((resolve) => {
    if (document.readyState === 'complete') { resolve(); } else { window.addEventListener('load', resolve, { once: true }); }
  }).then(() => navigator.serviceWorker.register('/sw.js', { scope: '/' }))
  : Promise.reject(new Error('Service workers are not supported'));
swRegistration.catch(function () { /* reported by the components that use it */ });
