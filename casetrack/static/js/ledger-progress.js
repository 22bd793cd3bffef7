// The background import's page: asks how far the worker has got every two seconds, and shows the page again
// once the state changes (checked, imported, rejected, failed). Without JavaScript the "Refresh" link does this.
(function () {
  "use strict";
  var card = document.getElementById("import-progress");
  if (!card) return;
  var bar = card.querySelector("progress");
  var rows = card.querySelector(".rows");
  var phase = card.querySelector(".phase");
  var state = null;
  function poll() {
    fetch(card.getAttribute("data-progress-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (progress) {
        if (!progress) return;
        if (state === null) state = progress.state;
        if (progress.state !== state) { window.location.reload(); return; }
        var phaseName = progress.phase && card.getAttribute("data-phase-" + progress.phase);
        if (phaseName) phase.textContent = phaseName;
        if (progress.total) {
          bar.max = progress.total;
          bar.value = progress.done;
          rows.textContent = progress.done + " / " + progress.total;
        }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
