// Draft review: going to a field marks its source span and scrolls the source pane to it.
// The page works without this; the links beside each field do the same with a jump.
(function () {
  "use strict";
  var form = document.querySelector(".review-form");
  if (!form) { return; }
  var current = [];

  function show(wrapper) {
    current.forEach(function (mark) { mark.classList.remove("is-current"); });
    current = [];
    if (!wrapper) { return; }
    wrapper.querySelectorAll("a[data-mark]").forEach(function (link) {
      var mark = document.getElementById(link.getAttribute("data-mark"));
      if (mark) {
        mark.classList.add("is-current");
        current.push(mark);
      }
    });
    var pane = current.length ? current[0].closest(".review-source") : null;
    if (pane && pane.scrollHeight > pane.clientHeight) {
      // Scroll only the pane, so the field being edited stays where it is.
      var top = current[0].getBoundingClientRect().top - pane.getBoundingClientRect().top + pane.scrollTop;
      pane.scrollTop = Math.max(0, top - pane.clientHeight / 3);
    }
  }

  form.addEventListener("focusin", function (event) {
    show(event.target.closest(".review-field"));
  });
})();
