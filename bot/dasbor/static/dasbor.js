// The posyandu table sorts, filters and turns pages without a page reload: the links it works
// by without script (marked data-swap) are fetched and their list swapped in, the address
// kept in the history. No data and no words of its own; anything unexpected (an error, a
// signed-out session) falls back to opening the link as a plain page.
(function () {
  "use strict";
  var ID = "daftar";
  if (!window.fetch || !window.DOMParser || !window.history || !history.pushState) return;

  function swap(url, push) {
    var region = document.getElementById(ID);
    if (!region) { window.location.assign(url); return; }
    region.setAttribute("aria-busy", "true");
    fetch(url, { credentials: "same-origin", redirect: "manual" })
      .then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        return r.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById(ID);
        if (!fresh) throw new Error("no list");
        region.replaceWith(document.importNode(fresh, true));
        document.title = page.title;
        if (push) history.pushState({ daftar: url }, "", url);
      })
      .catch(function () { window.location.assign(url); });
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    var link = target && target.closest ? target.closest("a[data-swap]") : null;
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    swap(link.href, true);
  });

  window.addEventListener("popstate", function () {
    if (document.getElementById(ID)) swap(window.location.href, false);
  });
})();
