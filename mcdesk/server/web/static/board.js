// The live board: fetch the tiles again whenever a station reports a change.
// The tiles are HTML the server rendered (names escaped there); nothing is built here.
(function () {
  "use strict";
  var box = document.getElementById("tiles");
  if (!box) { return; }
  var tilesUrl = box.getAttribute("data-tiles");
  var changesUrl = box.getAttribute("data-changes");
  var MIN_GAP_MS = 400;    // at most ~2 refreshes a second, however busy the lab
  var RETRY_MS = 3000;     // after a failed request (server restarting, network gone)

  function version() {
    var tiles = box.querySelector(".tiles");
    return tiles ? tiles.getAttribute("data-version") : "0";
  }

  function busy() {
    // Do not replace a form the teacher is using.
    var active = document.activeElement;
    return active && box.contains(active) && active.tagName === "INPUT";
  }

  function refresh() {
    return fetch(tilesUrl, { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      if (r.redirected || r.status !== 200) { window.location.reload(); throw new Error("signed out"); }
      return r.text();
    }).then(function (html) {
      if (!busy()) { box.innerHTML = html; }
    });
  }

  function wait() {
    var url = changesUrl + "?since=" + encodeURIComponent(version());
    return fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      if (r.redirected || r.status !== 200) { window.location.reload(); throw new Error("signed out"); }
      return r.json();
    });
  }

  function loop() {
    var started = Date.now();
    wait().then(refresh).then(function () {
      setTimeout(loop, Math.max(0, MIN_GAP_MS - (Date.now() - started)));
    }, function () {
      setTimeout(loop, RETRY_MS);
    });
  }

  // Ending an attempt cannot be undone: ask once (tiles are replaced, so listen on the box).
  box.addEventListener("submit", function (event) {
    var action = event.target.querySelector('input[name="action"]');
    if (action && action.value === "end" &&
        !window.confirm("End this attempt now? It is scored as it stands.")) {
      event.preventDefault();
    }
  });

  loop();
}());
