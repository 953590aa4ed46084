/** Ticks for the steps of one guide, kept on this device (localStorage). */
class Checklist extends Component {
  static moduleName = 'checklist';

  constructor ($root) {
    super($root);
    this.key = 'simexit:checklist:v1:' + $root.getAttribute('data-guide');
    this.texts = JSON.parse($root.getAttribute('data-progress-texts') || '[]');
    this.$progress = $root.querySelector('[data-checklist-progress]');
    // The bar heads its guide's steps: the ticks are in the block it stands in, not in the bar
    // (which the stylesheet hides without a script, and the steps must show then).
    this.$boxes = Array.from(($root.parentElement || $root).querySelectorAll('[data-step-checkbox]'));
    const saved = this.load();
    this.$boxes.forEach(($box) => {
      $box.checked = saved.indexOf($box.getAttribute('data-step-checkbox')) !== -1;
      $box.addEventListener('change', () => this.update(true));
    });
    $root.querySelector('[data-checklist-reset]').addEventListener('click', () => this.reset());
    this.update(false);
  }

  load () {
    try {
      const value = JSON.parse(store.get(this.key) || '[]');
      return Array.isArray(value) ? value : [];
    } catch (e) {
      return [];
    }
  }

  ticked () {
    return this.$boxes.filter(($box) => $box.checked).map(($box) => $box.getAttribute('data-step-checkbox'));
  }

  update (save) {
    const ticked = this.ticked();
    if (save) {
      store.set(this.key, JSON.stringify(ticked));
    }
    this.$boxes.forEach(($box) => {
      $box.closest('.step').classList.toggle('step--done', $box.checked);
    });
    const text = this.texts[ticked.length];
    if (text !== undefined) {
      setTextIfChanged(this.$progress, text);
    }
    document.dispatchEvent(new CustomEvent('simexit:checklist', { detail: { ticked: ticked } }));
  }

  reset () {
    if (!window.confirm(this.t('confirm-reset'))) {
      return;
    }
    store.remove(this.key);
    this.$boxes.forEach(($box) => { $box.checked = false; });
    this.update(false);
  }
}
