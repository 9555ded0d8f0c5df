// The page of who answered (an acknowledgement campaign): polls its small JSON every few
// seconds and reloads the page when an answer came (or the campaign closed); stops polling
// once nothing more can come. A static file, so that the Content-Security-Policy allows it.
(function () {
  var box = document.getElementById("campaign");
  if (!box || box.dataset.live !== "1") { return; }
  var every = (parseInt(box.dataset.seconds, 10) || 10) * 1000;
  function poll() {
    fetch(box.dataset.poll, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (found) {
        if (found.stamp !== box.dataset.stamp) { window.location.reload(); }
        else if (found.live) { setTimeout(poll, every); }
      })
      .catch(function () { setTimeout(poll, every * 3); });
  }
  setTimeout(poll, every);
})();
