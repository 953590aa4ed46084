/*
 * Start every component on the page, each in its own try/catch. What sets the first screen
 * (ticks, open steps, the number on the clerk card) or must listen from the start
 * (beforeinstallprompt fires once) starts now; every other component starts in a task of its
 * own, so that no single start-up task keeps the page from answering a tap.
 */
document.documentElement.classList.add('js-enabled');

/*
 * Steps below the first screen are laid out only when they come near it (content-visibility in
 * app.css); until then each is as tall as a placeholder, and a long one is several screens
 * taller. A page reloaded, or opened again from the history (Back, or a phone reopening a tab
 * it had discarded), is scrolled back to where the reader was by its offset: laid out whole,
 * the page puts the same text at that offset again.
 */
function openedFromHistory () {
  const type = (performance.getEntriesByType('navigation')[0] || {}).type;
  return type === 'reload' || type === 'back_forward';
}
if (openedFromHistory()) { document.documentElement.setAttribute('data-layout', 'whole'); }

function start (ComponentClass) {
  document.querySelectorAll('[data-module="' + ComponentClass.moduleName + '"]').forEach(function ($root) {
    try {
      new ComponentClass($root); // eslint-disable-line no-new
    } catch (error) {
      if (window.console) { window.console.error(error); }
    }
  });
}

[Checklist, StepNav, InstallPrompt, ClerkNumber].forEach(start);
[HeaderMenu, OfflineStatus, UpdatePrompt, NumberFinder, WakeLock, Remind].reduce(function (previous, ComponentClass) {
  return previous.then(nextTask).then(function () { start(ComponentClass); });
}, Promise.resolve());
