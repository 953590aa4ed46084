/* Start every component on the page, each in its own try/catch. */
document.documentElement.classList.add('js-enabled');
[Checklist, StepNav, OfflineStatus, UpdatePrompt, InstallPrompt, NumberFinder, WakeLock, Remind]
  .forEach(function (ComponentClass) {
    document.querySelectorAll('[data-module="' + ComponentClass.moduleName + '"]').forEach(function ($root) {
      try {
        new ComponentClass($root); // eslint-disable-line no-new
      } catch (error) {
        if (window.console) { window.console.error(error); }
      }
    });
  });
