// The provisional trail's waiting page: asks the same address again every few seconds (HEAD,
// as the Retry-After header says) and loads it once the PDF is ready, which starts the
// download. A script instead of <meta http-equiv="refresh">: a page that reloads itself on a
// timer is a WCAG timing failure (axe's meta-refresh); without scripts the <noscript> refresh
// still does it. A static file, so that the Content-Security-Policy allows it.
(function () {
  var delay = 3000;  // the Retry-After the page is sent with (web/audit.py DRAFT_RETRY_S)
  function poll() {
    fetch(window.location.href, {method: "HEAD", credentials: "same-origin"})
      .then(function (response) {
        if (response.status === 200) { window.location.reload(); } else { setTimeout(poll, delay); }
      })
      .catch(function () { setTimeout(poll, delay * 2); });
  }
  setTimeout(poll, delay);
})();
