/**
 * "A new version is ready — Reload": shown when a new service worker waits.
 * Only the user's tap makes it take over, so a page never mixes two builds.
 */
class UpdatePrompt extends Component {
  static moduleName = 'update-prompt';

  constructor ($root) {
    super($root);
    this.reloading = false;
    $root.querySelector('[data-update-reload]').addEventListener('click', () => this.apply());
    swRegistration.then((registration) => {
      this.registration = registration;
      if (registration.waiting && navigator.serviceWorker.controller) {
        this.show();
      }
      registration.addEventListener('updatefound', () => this.track(registration.installing));
      navigator.serviceWorker.addEventListener('controllerchange', () => {
        if (this.requested && !this.reloading) {
          this.reloading = true;
          window.location.reload();
        }
      });
      // Look for a new build at each visit (the browser also checks on navigation).
      registration.update().catch(() => { /* offline: try next time */ });
    }).catch(() => { /* no service worker: nothing to update */ });
  }

  track (worker) {
    if (!worker) { return; }
    worker.addEventListener('statechange', () => {
      if (worker.state === 'installed' && navigator.serviceWorker.controller) {
        this.show();
      }
    });
  }

  show () {
    this.$root.hidden = false;
    document.documentElement.setAttribute('data-update', 'ready');
  }

  apply () {
    const waiting = this.registration && this.registration.waiting;
    if (!waiting) {
      window.location.reload();
      return;
    }
    this.requested = true;
    waiting.postMessage({ type: 'SKIP_WAITING' });
  }
}
