// Person pickers (web/hr_people.py's /people/search): every input marked data-person-picker
// ("person": one address; "people": a list of addresses separated by commas or new lines)
// suggests people as their name, department or position is typed, and picking one writes
// their email address — what the server expects. Keyboard: Down/Up move through the
// suggestions, Enter picks, Escape closes (the ARIA 1.2 combobox pattern). Without this script
// the field is the plain email input it always was. A static file, so that the
// Content-Security-Policy allows it.
(function () {
  var script = document.currentScript;
  var endpoint = script && script.dataset.search;
  var noneText = (script && script.dataset.none) || "";
  if (!endpoint || !window.fetch) { return; }
  var counter = 0;

  function separatorEnd(text) {
    // where the last address being typed begins in a list of them
    return Math.max(text.lastIndexOf(","), text.lastIndexOf(";"), text.lastIndexOf("\n")) + 1;
  }

  function enhance(input) {
    var many = input.dataset.personPicker === "people";
    var id = "people-picker-" + (++counter);
    var list = document.createElement("ul");
    var active = -1, found = [], timer = null, asked = 0;
    list.id = id;
    list.className = "people-picker";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.removeAttribute("list");  // the picker replaces the page's datalist
    // A one-line input is an ARIA combobox; a list of addresses is a multi-line textarea, whose
    // only allowed role is textbox: it keeps that role and says only that it suggests.
    var combo = input.tagName !== "TEXTAREA";
    if (combo) { input.setAttribute("role", "combobox"); }
    input.setAttribute("aria-autocomplete", "list");
    expanded(false);
    input.setAttribute("aria-controls", id);
    input.setAttribute("autocomplete", "off");
    input.parentNode.insertBefore(list, input.nextSibling);

    function expanded(open) {
      if (combo) { input.setAttribute("aria-expanded", open ? "true" : "false"); }
    }

    function term() {
      var text = input.value;
      return many ? text.slice(separatorEnd(text)).trim() : text.trim();
    }

    function close() {
      list.hidden = true;
      active = -1;
      expanded(false);
      input.removeAttribute("aria-activedescendant");
    }

    function mark(index) {
      var items = list.querySelectorAll('[role="option"]');
      active = items.length ? (index + items.length) % items.length : -1;
      Array.prototype.forEach.call(items, function (item, i) {
        item.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      if (active >= 0) {
        input.setAttribute("aria-activedescendant", items[active].id);
        items[active].scrollIntoView({block: "nearest"});
      }
    }

    function show(people) {
      found = people;
      list.textContent = "";
      people.forEach(function (p, i) {
        var item = document.createElement("li");
        var extra = [p.position, p.department].filter(Boolean).join(", ");
        item.id = id + "-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.dataset.email = p.email;
        item.textContent = p.name + " <" + p.email + ">";
        if (extra) {
          var small = document.createElement("span");
          small.className = "muted small";
          small.textContent = " · " + extra;
          item.appendChild(small);
        }
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();  // keep the focus in the input
          pick(i);
        });
        list.appendChild(item);
      });
      if (!people.length) {
        var none = document.createElement("li");
        none.className = "muted";
        none.textContent = noneText;
        list.appendChild(none);
      }
      list.hidden = false;
      expanded(true);
      active = -1;
    }

    function pick(index) {
      var person = found[index];
      if (!person) { return; }
      if (many) {
        var text = input.value;
        var head = text.slice(0, separatorEnd(text));
        input.value = head + (head && !/\s$/.test(head) ? " " : "") + person.email + ", ";
      } else {
        input.value = person.email;
        input.title = person.name;
      }
      close();
      input.dispatchEvent(new Event("change", {bubbles: true}));
    }

    function ask() {
      var q = term();
      if (q.length < 2 || (!many && q.indexOf("@") > 0 && /\.[^.@]+$/.test(q))) {
        close();
        return;
      }
      var mine = ++asked;
      fetch(endpoint + "?limit=8&q=" + encodeURIComponent(q),
            {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : {people: []}; })
        .then(function (body) { if (mine === asked) { show(body.people || []); } })
        .catch(close);
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) {
        if (event.key === "ArrowDown" && term().length >= 2) { ask(); event.preventDefault(); }
        return;
      }
      if (event.key === "ArrowDown") { mark(active + 1); event.preventDefault(); }
      else if (event.key === "ArrowUp") { mark(active - 1); event.preventDefault(); }
      else if (event.key === "Enter" && active >= 0) { pick(active); event.preventDefault(); }
      else if (event.key === "Escape") { close(); event.preventDefault(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-person-picker]"), enhance);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
