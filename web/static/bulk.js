// The inbox's bulk decision (web/bulk.py), live: once a task is selected, the tasks of other
// kinds (another process or stage) cannot be, the bar says how many are selected and offers
// only the answers every selected task takes. Without this script the form works the same;
// the server refuses a mixed selection. A static file, so that the Content-Security-Policy
// allows it.
(function () {
  var form = document.getElementById("bulk-form");
  if (!form) { return; }
  var boxes = Array.prototype.slice.call(
    document.querySelectorAll('input.pick[form="bulk-form"]'));
  var buttons = Array.prototype.slice.call(form.querySelectorAll('button[name="verdict"]'));
  var count = document.getElementById("bulk-count");
  var hint = count.textContent;

  function answers(box) { return (box.dataset.answers || "").split(" ").filter(Boolean); }

  function update() {
    var picked = boxes.filter(function (box) { return box.checked; });
    var kind = picked.length ? picked[0].dataset.kind : null;
    var common = null;
    picked.forEach(function (box) {
      var own = answers(box);
      common = common === null ? own : common.filter(function (a) { return own.indexOf(a) >= 0; });
    });
    boxes.forEach(function (box) {
      if (!answers(box).length) { return; }  // answered on its own page: stays disabled
      var other = kind !== null && box.dataset.kind !== kind && !box.checked;
      box.disabled = other;
      box.closest("li").classList.toggle("other-kind", other);
    });
    buttons.forEach(function (button) {
      button.hidden = common === null || common.indexOf(button.value) < 0;
    });
    form.classList.toggle("idle", !picked.length);
    count.textContent = picked.length
      ? form.dataset.selected.replace("{n}", String(picked.length)) : hint;
  }

  boxes.forEach(function (box) { box.addEventListener("change", update); });
  update();
})();
