/* Stand-in for the two jQuery idioms folium's templates use, so the page needs no jQuery:
   $(`<div>...</div>`)[0] (Popup content) and $(document).ready(fn). Nothing else of jQuery is provided. */
(function () {
  "use strict";
  if (window.$) { return; }
  window.$ = function (arg) {
    if (typeof arg === "string") {
      var t = document.createElement("template");
      t.innerHTML = arg.trim();
      return Array.prototype.slice.call(t.content.children);
    }
    return {
      ready: function (fn) {
        if (document.readyState === "loading") {
          document.addEventListener("DOMContentLoaded", fn);
        } else {
          fn();
        }
      }
    };
  };
})();
