/** Steps that open and close one by one, with "Show all"; done steps start closed. */
class StepNav extends Component {
  static moduleName = 'step-nav';

  constructor ($root) {
    super($root);
    this.$steps = Array.from($root.querySelectorAll('.step'));
    this.$steps.forEach(($step) => this.addToggle($step));
    const $controls = document.createElement('div');
    $controls.className = 'step-nav__controls';
    this.$all = document.createElement('button');
    this.$all.type = 'button';
    this.$all.className = 'button button--secondary button--small';
    this.$all.addEventListener('click', () => this.setAll(this.anyCollapsed() ? false : true));
    $controls.appendChild(this.$all);
    $root.insertBefore($controls, $root.querySelector('.steps'));
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
    if (window.location.hash) {
      const $target = document.getElementById(window.location.hash.slice(1));
      const $step = $target && $target.closest('.step');
      if ($step) { this.setCollapsed($step, false); }
    }
  }

  addToggle ($step) {
    const $button = document.createElement('button');
    $button.type = 'button';
    $button.className = 'step__toggle';
    $button.setAttribute('aria-controls', $step.id + '-body');
    $button.addEventListener('click', () => {
      this.setCollapsed($step, !$step.classList.contains('step--collapsed'));
    });
    $step.querySelector('.step__header').appendChild($button);
  }

  setCollapsed ($step, collapsed, updateAll = true) {
    $step.classList.toggle('step--collapsed', collapsed);
    const $button = $step.querySelector('.step__toggle');
    $button.setAttribute('aria-expanded', String(!collapsed));
    $button.textContent = collapsed ? this.t('show') : this.t('hide');
    const $title = $step.querySelector('.step__text');
    $button.setAttribute('aria-label', $button.textContent + ': ' + ($title ? $title.textContent : ''));
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
      this.$all.textContent = this.anyCollapsed() ? this.t('show-all') : this.t('hide-all');
    }
  }
}
