/**
 * Steps that open and close one by one, with "Show all"; done steps start closed.
 * The toggles and the "Show all" button are in the server's markup (so nothing moves
 * when this starts); this wires them up and keeps their labels true.
 */
class StepNav extends Component {
  static moduleName = 'step-nav';

  constructor ($root) {
    super($root);
    this.$steps = Array.from($root.querySelectorAll('.step')).filter(($step) => $step.querySelector('.step__toggle'));
    this.$steps.forEach(($step) => {
      $step.querySelector('.step__toggle').addEventListener('click', () => {
        this.setCollapsed($step, !$step.classList.contains('step--collapsed'));
      });
    });
    this.$all = $root.querySelector('[data-step-nav-all]');
    if (this.$all) {
      this.$all.addEventListener('click', () => this.setAll(!this.anyCollapsed()));
    }
    this.$steps.forEach(($step) => {
      const $box = $step.querySelector('[data-step-checkbox]');
      this.setCollapsed($step, Boolean($box && $box.checked), false);
    });
    this.updateAll();
    $root.addEventListener('change', (event) => {
      if (event.target.matches('[data-step-checkbox]') && event.target.checked) {
        this.setCollapsed(event.target.closest('.step'), true);
      }
    });
    // A link to a step (the short way's lines, the clerk card's "Back") opens it, also when
    // the page is already open.
    this.openLinked();
    window.addEventListener('hashchange', () => this.openLinked());
    // Paper shows every step's sources: print.css opens the "Sources" disclosures where a style
    // can (::details-content); elsewhere they open for the print and close again after it.
    if (!(window.CSS && CSS.supports && CSS.supports('selector(::details-content)'))) {
      let $opened = [];
      window.addEventListener('beforeprint', () => {
        $opened = Array.from($root.querySelectorAll('details.facts--fold:not([open])'));
        $opened.forEach(($details) => { $details.open = true; });
      });
      window.addEventListener('afterprint', () => {
        $opened.forEach(($details) => { $details.open = false; });
        $opened = [];
      });
    }
  }

  openLinked () {
    if (!window.location.hash) { return; }
    const $target = document.getElementById(window.location.hash.slice(1));
    const $step = $target && $target.closest('.step');
    if ($step && this.$steps.indexOf($step) !== -1) { this.setCollapsed($step, false); }
  }

  setCollapsed ($step, collapsed, updateAll = true) {
    $step.classList.toggle('step--collapsed', collapsed);
    const $button = $step.querySelector('.step__toggle');
    const label = collapsed ? this.t('show') : this.t('hide');
    const $title = $step.querySelector('.step__text');
    // Only what changed is written: at start-up the server's markup is already right, and
    // every write makes the browser restyle the page once more.
    setIfChanged($button, 'aria-expanded', String(!collapsed));
    setTextIfChanged($button, label);
    setIfChanged($button, 'aria-label', label + ': ' + ($title ? $title.textContent : ''));
    if (updateAll) { this.updateAll(); }
  }

  anyCollapsed () {
    return this.$steps.some(($step) => $step.classList.contains('step--collapsed'));
  }

  setAll (collapsed) {
    this.$steps.forEach(($step) => this.setCollapsed($step, collapsed, false));
    this.updateAll();
  }

  updateAll () {
    if (this.$all) {
      const label = this.anyCollapsed() ? this.t('show-all') : this.t('hide-all');
      setTextIfChanged(this.$all, label);
    }
  }
}
