// The export page: polls the export's progress every second and reloads the page when
// it has finished (a static file, so that the Content-Security-Policy allows it).
(function () {
  var box = document.getElementById("export");
  var bar = document.getElementById("export-progress");
  var count = document.getElementById("export-count");
  var state = document.getElementById("export-state");
  function poll() {
    fetch(box.dataset.poll, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (e) {
        bar.value = e.progress.percent;
        bar.textContent = e.progress.percent + "%";
        count.textContent = e.progress_text;
        state.textContent = e.state_text;
        if (e.finished) { window.location.reload(); } else { setTimeout(poll, 1000); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
