/**
 * Asks the service worker to save every page of this language, and says when
 * the guide is ready to use offline (data-offline on <html> too, for tests).
 */
class OfflineStatus extends Component {
  static moduleName = 'offline-status';

  constructor ($root) {
    super($root);
    this.lang = document.body.getAttribute('data-lang');
    swRegistration.then(() => navigator.serviceWorker.ready).then((registration) => {
      this.show('saving');
      return this.cacheLanguage(registration.active);
    }).then(() => {
      this.show('ready');
      document.documentElement.setAttribute('data-offline', 'ready');
    }).catch(() => {
      if ('serviceWorker' in navigator) {
        this.show('failed');
      }
    });
  }

  cacheLanguage (worker) {
    return new Promise((resolve, reject) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (event) => (event.data && event.data.ok ? resolve() : reject(new Error('not cached')));
      worker.postMessage({ type: 'CACHE_LANG', lang: this.lang }, [channel.port2]);
    });
  }

  show (state) {
    this.$root.textContent = this.t(state);
    this.$root.hidden = false;
  }
}
