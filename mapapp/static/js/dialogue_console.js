/* Löfteskartan: the planner's dialogue console keeps itself current. Every few seconds it asks the page's
   JSON twin; the count of participants is updated in place, and new questions waiting for moderation are
   announced with a link to show them (the page is not reloaded under the moderator's hands). */
(function () {
  "use strict";

  var node = document.getElementById("console-data"), list = document.getElementById("held-questions");
  if (!node) { return; }
  var cfg = JSON.parse(node.textContent), shown = list ? list.getAttribute("data-ids") : "";
  var news = document.getElementById("console-news"), count = document.getElementById("console-participants");

  function check() {
    fetch(cfg.url, {cache: "no-cache", credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return true; }
        if (count) { count.textContent = String(data.live.participants); }
        var held = data.questions.filter(function (q) { return q.state === "held"; })
          .map(function (q) { return q.id; }).join(",");
        if (news && held !== shown && !news.firstChild) {
          var link = document.createElement("a");
          link.href = window.location.pathname;
          link.textContent = cfg.reload;
          news.appendChild(document.createTextNode(cfg.news + " "));
          news.appendChild(link);
        }
        return data.live.state === "open";  /* once closed, nothing new can arrive */
      })
      .catch(function () { return true; /* try again at the next tick */ })
      .then(function (again) { if (again) { window.setTimeout(check, 3000); } });
  }
  window.setTimeout(check, 3000);
}());
