/* Deployment Scenario Mapper: the time slider of a timed scenario's map (issue #14; mapper/render/timed.py).

   mapper.timeSlider(map, config, items, markers, strings, labels) puts a bar above the map (under the docked toolbar, or as
   a control when the map is not docked) with previous/next buttons, a range input (arrow keys, Home/End, Page
   Up/Down), the step's label and its position. Showing step i:
     - items [parent, layer, [steps]]: each layer is in its parent group only on its steps (a group hidden in the
       legend keeps its sub-layers and shows them when it is shown again);
     - markers [parent, marker, perStep]: a force or hub is in its group on the steps where perStep[i] is
       [popup, tooltip] (indices into strings, HTML Python built from escaped parts), absent where it is 0;
     - labels [group, start label, [label per step]]: legend labels that change (the front line's date, the
       forces' troops) read the step's;
     - every page element with data-mapper-steps (table rows, summaries, the title's date, the footer's line) is
       shown only when i is among its steps;
     - the URL hash says #t=<day> (a link opens that moment; a day between steps opens the step in force then).
   Labels are set with textContent. mapper.time.go(i) steps from script; mapper.time.last is the last step's
   duration in ms (performance.now), for the benchmark and tests. */
(function () {
  "use strict";
  var M = window.mapper = window.mapper || {};

  function el(tag, cls, parent) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (parent) { parent.appendChild(e); }
    return e;
  }

  function hashDay() {
    var m = /(?:^#|&)t=(\d{4}-\d{2}-\d{2})/.exec(window.location.hash || "");
    return m ? m[1] : null;
  }

  /* The step in force on day (ISO text): the latest step on or before it; the first step for a day before all. */
  function stepOf(steps, day) {
    var best = 0;
    for (var i = 0; i < steps.length; i++) { if (steps[i].key <= day) { best = i; } }
    return best;
  }

  /* The legend's label elements of labels [[group, start label, [label per step]], ...]: the item of that group
     (its fieldset's heading) whose label reads the start label. */
  function legendLabels(labels) {
    var out = [];
    labels.forEach(function (lb) {
      Array.prototype.forEach.call(document.querySelectorAll(".mapper-layer-group"), function (fs) {
        var head = fs.querySelector(".mapper-group-head");
        if (!head || head.textContent !== lb[0]) { return; }
        Array.prototype.forEach.call(fs.querySelectorAll(".mapper-layer-label"), function (span) {
          if (span.textContent === lb[1]) { out.push([span, lb[2]]); }
        });
      });
    });
    return out;
  }

  M.timeSlider = function (map, config, items, markers, strings, labels) {
    var steps = config.steps, n = steps.length, current = -1, legend = legendLabels(labels || []);
    var shown = Array.prototype.slice.call(document.querySelectorAll("[data-mapper-steps]")).map(function (e) {
      return [e, e.getAttribute("data-mapper-steps").split(" ").map(Number)];
    });

    var box = el("div", "mapper-time");
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Time: date and phase shown on the map");
    var prev = el("button", "mapper-time-prev", box), next;
    prev.type = "button";
    prev.textContent = "\u2039";
    prev.setAttribute("aria-label", "Previous date");
    prev.title = "Previous date";
    var range = el("input", "mapper-time-range", box);
    range.type = "range";
    range.min = "0";
    range.max = String(n - 1);
    range.step = "1";
    range.setAttribute("aria-label", "Date shown");
    next = el("button", "mapper-time-next", box);
    next.type = "button";
    next.textContent = "\u203a";
    next.setAttribute("aria-label", "Next date");
    next.title = "Next date";
    var label = el("output", "mapper-time-label", box);
    label.setAttribute("aria-live", "polite");
    var note = el("span", "mapper-time-note", box);
    var count = el("span", "mapper-time-count", box);

    function go(i, keepHash) {
      i = Math.max(0, Math.min(n - 1, i | 0));
      if (i === current) { return; }
      var t0 = window.performance ? performance.now() : 0;
      current = i;
      items.forEach(function (it) {
        var on = it[2].indexOf(i) >= 0, has = it[0].hasLayer(it[1]);
        if (on && !has) { it[0].addLayer(it[1]); } else if (!on && has) { it[0].removeLayer(it[1]); }
      });
      markers.forEach(function (mk) {
        var e = mk[2][i], has = mk[0].hasLayer(mk[1]);
        if (e) {
          mk[1].setPopupContent(strings[e[0]]);
          if (mk[1].getTooltip()) { mk[1].setTooltipContent(strings[e[1]]); }
          if (!has) { mk[0].addLayer(mk[1]); }
        } else if (has) { mk[0].removeLayer(mk[1]); }
      });
      shown.forEach(function (s) { s[0].hidden = s[1].indexOf(i) < 0; });
      legend.forEach(function (lb) { lb[0].textContent = lb[1][i]; });
      range.value = String(i);
      range.setAttribute("aria-valuetext", steps[i].label);
      label.textContent = steps[i].label;
      count.textContent = (i + 1) + " / " + n;
      note.textContent = steps[i].empty ? "no forces or hubs on this date" : "";
      prev.disabled = i === 0;
      next.disabled = i === n - 1;
      map.getContainer().setAttribute("data-mapper-step", steps[i].key);
      if (!keepHash && hashDay() !== steps[i].key) {
        try { window.history.replaceState(null, "", "#t=" + steps[i].key); } catch (err) {
          window.location.hash = "t=" + steps[i].key;
        }
      }
      M.time.index = i;
      M.time.last = window.performance ? performance.now() - t0 : 0;
    }

    range.addEventListener("input", function () { go(+range.value); });
    prev.addEventListener("click", function () { go(current - 1); });
    next.addEventListener("click", function () { go(current + 1); });
    // the buttons step too when the keyboard is on them (the range input has its own keys)
    box.addEventListener("keydown", function (e) {
      if (e.target === range) { return; }
      if (e.key === "ArrowLeft") { go(current - 1); e.preventDefault(); }
      if (e.key === "ArrowRight") { go(current + 1); e.preventDefault(); }
    });
    window.addEventListener("hashchange", function () {
      var d = hashDay();
      if (d) { go(stepOf(steps, d), true); }
    });
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);

    // above the map, under the docked toolbar; on an undocked map, a control at its bottom
    var container = map.getContainer(), stage = container.parentNode;
    if (stage && stage.classList && stage.classList.contains("mapper-stage")) {
      stage.insertBefore(box, container);
      map.invalidateSize({ animate: false, pan: false });
    } else {
      var ctl = L.control({ position: "bottomleft" });
      ctl.onAdd = function () { return box; };
      ctl.addTo(map);
    }
    M.time = { go: go, index: -1, last: 0, steps: steps };
    var d = hashDay();
    go(d ? stepOf(steps, d) : config.start, !d);
    return M.time;
  };
})();
