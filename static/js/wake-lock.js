/** Keeps the screen on while the clerk card is shown, where the browser allows it. */
class WakeLock extends Component {
  static moduleName = 'wake-lock';

  constructor ($root) {
    super($root);
    if (!('wakeLock' in navigator)) { return; }
    this.request();
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') { this.request(); }
    });
  }

  request () {
    navigator.wakeLock.request('screen').then((lock) => {
      this.lock = lock;
      this.$root.hidden = false;
      document.documentElement.setAttribute('data-wake-lock', 'on');
      lock.addEventListener('release', () => {
        this.$root.hidden = true;
        document.documentElement.removeAttribute('data-wake-lock');
      });
    }).catch(() => { /* not allowed now (battery saver, no user gesture): the card still works */ });
  }
}
