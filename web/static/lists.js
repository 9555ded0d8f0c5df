// The lists' filters (web/templates/_lists.html) sit in a <details>: open on a wide screen,
// folded under "Filters" on a phone (the search box stays outside it on both).
(function () {
  var wide = window.matchMedia("(min-width: 700px)");
  function fit() {
    document.querySelectorAll("details[data-wide-open]").forEach(function (box) {
      if (wide.matches) box.open = true;
    });
  }
  fit();
  if (wide.addEventListener) wide.addEventListener("change", fit);
})();

// A search sends only the parameters given: a bookmarkable URL without empty ones.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.matches || !form.matches("form.list-filters")) return;
  form.querySelectorAll("input, select").forEach(function (control) {
    if (control.name && control.value === "" && !control.disabled) {
      control.disabled = true;
      setTimeout(function () { control.disabled = false; }, 0);
    }
  });
});
