/*
 * Start every component on the page, each in its own try/catch. What sets the first screen
 * (ticks, open steps, the number on the clerk card) or must listen from the start
 * (beforeinstallprompt fires once) starts now; every other component starts in a task of its
 * own, so that no single start-up task keeps the page from answering a tap.
 */
document.documentElement.classList.add('js-enabled');

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
