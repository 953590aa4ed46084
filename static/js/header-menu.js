/**
 * The header's menus, the language list and the guide's sections, are <details> disclosures:
 * they open and close without a script (and one closes the other where the browser knows
 * <details name>). With it, an open menu also closes on Escape (focus back on its button),
 * on a click or tap outside it, when focus leaves it, and when the page comes back from the
 * history (Back) as it was left.
 */
class HeaderMenu extends Component {
  static moduleName = 'header-menu';

  constructor ($root) {
    super($root);
    this.$menus = Array.from($root.querySelectorAll('details'));
    document.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape') { return; }
      this.$menus.filter(($menu) => $menu.open).forEach(($menu) => {
        const hadFocus = $menu.contains(document.activeElement);
        $menu.open = false;
        if (hadFocus) { $menu.querySelector('summary').focus(); }
      });
    });
    document.addEventListener('click', (event) => { this.closeAllBut(event.target); });
    this.$menus.forEach(($menu) => {
      $menu.addEventListener('focusout', (event) => {
        if (event.relatedTarget && !$menu.contains(event.relatedTarget)) { $menu.open = false; }
      });
    });
    window.addEventListener('pageshow', (event) => {
      if (event.persisted) { this.closeAllBut(null); }
    });
  }

  /** Close every open menu that does not hold $target. */
  closeAllBut ($target) {
    this.$menus.forEach(($menu) => {
      if ($menu.open && !($target && $menu.contains($target))) { $menu.open = false; }
    });
  }
}
