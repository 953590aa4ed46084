/** An "Install" button where the browser offers it; a Share → Add to Home Screen hint on iOS. */
class InstallPrompt extends Component {
  static moduleName = 'install-prompt';

  constructor ($root) {
    super($root);
    this.dismissKey = 'simexit:install-dismissed';
    this.$button = $root.querySelector('[data-install-button]');
    $root.querySelector('[data-install-dismiss]').addEventListener('click', () => {
      store.set(this.dismissKey, '1');
      $root.hidden = true;
    });
    if (this.isStandalone() || store.get(this.dismissKey)) {
      return;
    }
    window.addEventListener('beforeinstallprompt', (event) => {
      event.preventDefault();
      this.deferred = event;
      this.$button.hidden = false;
      $root.hidden = false;
    });
    this.$button.addEventListener('click', () => this.install());
    window.addEventListener('appinstalled', () => { $root.hidden = true; });
    if (this.isIos()) {
      $root.querySelector('[data-install-text]').hidden = true;
      $root.querySelector('[data-install-ios]').hidden = false;
      $root.hidden = false;
    }
  }

  isStandalone () {
    return window.matchMedia('(display-mode: standalone)').matches || window.navigator.standalone === true;
  }

  isIos () {
    const ua = window.navigator.userAgent;
    return /iPhone|iPad|iPod/.test(ua) || (ua.indexOf('Macintosh') !== -1 && navigator.maxTouchPoints > 1);
  }

  install () {
    if (!this.deferred) { return; }
    this.deferred.prompt();
    this.deferred.userChoice.then(() => {
      this.deferred = null;
      this.$root.hidden = true;
    });
  }
}
