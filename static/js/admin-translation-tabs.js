// modeltranslation draws each translated field's languages as jQuery UI tabs: an <li role="tab"> holding a link
// to the language's panel, a control inside a control (axe-core: nested-interactive, serious) on every translated
// field of an event's page and its sessions; and beside the page's title a menu of the languages without a name
// (select-name, critical). The tab itself takes the focus and the arrow keys, and jQuery UI finds a tab's panel by
// the tab's aria-controls, so the links lose their addresses once the tabs are built: they leave the keyboard's
// and the screen reader's way and still take the clicks. jQuery UI would take a link without an address for a
// panel to load from the server, hence the one change to it. The tabs are built when the page is ready and again
// for each session added, hence the watch on the page rather than one pass.
"use strict";
(function () {
  const switchLabel = document.currentScript.dataset.switchLabel;
  const tabs = window.jQuery.ui.tabs.prototype;
  const isLocal = tabs._isLocal;
  tabs._isLocal = function (anchor) {
    return !anchor.hasAttribute("href") || isLocal.call(this, anchor);
  };

  function repair() {
    document.querySelectorAll(".ui-tabs-nav .ui-tabs-anchor[href]").forEach((link) => link.removeAttribute("href"));
    const languageSwitch = document.getElementById("modeltranslation-main-switch");
    if (languageSwitch && !languageSwitch.hasAttribute("aria-label")) {
      languageSwitch.setAttribute("aria-label", switchLabel);
    }
  }
  new MutationObserver(repair).observe(document.documentElement, { childList: true, subtree: true });
})();
