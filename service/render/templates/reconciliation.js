// reconciliation.html: optional enhancements only; the page is complete without script.
"use strict";
(function () {
  var box = document.getElementById("show-tags");
  if (box) {
    box.addEventListener("change", function () {
      document.body.classList.toggle("hide-tags", !box.checked);
    });
  }
  // Following a link to evidence opens the details around it and moves keyboard focus there.
  function focusTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    if (!target) return;
    for (var d = target.closest("details"); d; d = d.parentElement.closest("details")) d.open = true;
    target.scrollIntoView();
    if (target.tagName === "MARK") target.focus({ preventScroll: true });
  }
  window.addEventListener("hashchange", focusTarget);
  // On a phone the articles start folded (the first screen is for the differences); a link to
  // evidence opens the article it points into.
  if (window.matchMedia && window.matchMedia("(max-width: 600px)").matches) {
    var texts = document.querySelectorAll("details.atext");
    for (var i = 0; i < texts.length; i++) texts[i].open = false;
  }
})();
