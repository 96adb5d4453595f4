// mapper serve: the shapes edited in a form from the map: a line drawn along a river (river, from, to), an area
// given as regions or a country, a zone (buffer_of, width_km or km). In edit mode an outline is drawn over each
// (live.js calls draw with the shapes /api/sites lists); a click on it opens its form: Save writes only the
// fields changed (op "shape"), Delete removes the item after a confirmation. A refused edit (the loader's
// messages: an unknown river or region) is shown in the form. Every text is set with textContent.
(function () {
  "use strict";
  var LABELS = {
    river: "River", from: "From", to: "To", regions: "Regions", country: "Country",
    buffer_of: "Buffer of", width_km: "Width, km (across)", km: "Km either side",
  };
  // in the order the file's mapping usually writes them (the server's JSON has its keys sorted)
  var ORDER = ["river", "from", "to", "regions", "country", "buffer_of", "width_km", "km"];
  var TITLES = { line: "Line along a river", area: "Area", zone: "Zone" };
  var HINTS = {
    line: "The river and two places near it, as the gazetteer names them (mapper places NAME).",
    area: "Oblasts separated by commas, or a country by name or ISO code.",
    zone: "A buffer of the front line or of a line of this option.",
  };
  var STYLE = {
    line: { color: "#14706b", weight: 12, opacity: 0.3, lineCap: "round" },
    area: { color: "#14706b", weight: 2, opacity: 0.8, dashArray: "4 4", fillOpacity: 0.06 },
    zone: { color: "#14706b", weight: 2, opacity: 0.8, dashArray: "1 5", fillOpacity: 0.06 },
  };

  // ui (from live.js): el, field, edit, closeForms, group (the edit layer), adding (whether "Add" waits for a
  // click on the map: then a click on a shape goes to the map)
  function draw(shapes, ui) {
    var order = { area: 0, zone: 1, line: 2 };  // lines on top: they are thin
    shapes.slice().sort(function (a, b) { return order[a.site] - order[b.site]; }).forEach(function (shape) {
      var layer = window.L.geoJSON(shape.geometry, {
        pane: "mapperServeShapes", style: function () { return STYLE[shape.site]; }, interactive: true,
      });
      layer.on("click", function (ev) {
        if (ui.adding()) return;  // the map's click handler places the new force or hub
        window.L.DomEvent.stopPropagation(ev);
        open(shape, ui);
      });
      layer.addTo(ui.group());
      layer.eachLayer(function (l) {
        var e = l.getElement && l.getElement();
        if (!e) return;
        e.setAttribute("data-shape", shape.keypath);
        e.classList.add("mapper-serve-shape");
      });
    });
  }

  function open(shape, ui) {
    ui.closeForms();
    var el = ui.el;
    var form = el("form", "mapper-serve-form mapper-serve-shape-form");
    form.setAttribute("data-shape", shape.keypath);
    form.appendChild(el("strong", null, TITLES[shape.site] + ": " + shape.name));
    var inputs = {}, before = {};
    ORDER.filter(function (k) { return k in shape.fields; }).forEach(function (k) {
      var v = shape.fields[k];
      var text = v === null ? "" : k === "regions" ? v.join(", ") : String(v);
      var choices = null;
      if (k === "buffer_of") {
        choices = ["front_line"].concat(shape.lines || []);
        if (v !== null && choices.indexOf(v) < 0) choices.push(v);
      }
      var input = ui.field(form, LABELS[k] || k, k, text, choices);
      if (choices) { input.remove(0); input.value = text; }  // no empty choice: the loader needs one
      if (v === null) {
        input.disabled = true;
        input.placeholder = "not one value: edit it in the file";
        return;
      }
      inputs[k] = input;
      before[k] = text;
    });
    form.appendChild(el("span", "mapper-serve-hint", HINTS[shape.site]));
    var refused = el("strong", "mapper-serve-form-refused"), problems = el("pre", "mapper-serve-form-problems");
    refused.hidden = problems.hidden = true;
    var save = el("button", null, "Save");
    save.type = "submit";
    var del = el("button", "mapper-serve-delete", "Delete");
    del.type = "button";
    var cancel = el("button", null, "Cancel");
    cancel.type = "button";
    cancel.onclick = function () { form.remove(); };
    var row = el("div", "mapper-serve-buttons");
    [save, del, cancel].forEach(function (b) { row.appendChild(b); });
    form.appendChild(refused);
    form.appendChild(problems);
    form.appendChild(row);
    var answered = function (r) {
      if (r.status === 200) { form.remove(); return; }
      save.disabled = del.disabled = false;
      refused.textContent = r.body.error || "refused (" + r.status + ")";
      refused.hidden = false;
      problems.textContent = (r.body.errors || []).join("\n");
      problems.hidden = !(r.body.errors || []).length;
    };
    form.onsubmit = function (ev) {
      ev.preventDefault();
      if (save.disabled) return;  // one write per form
      var fields = {}, any = false;
      Object.keys(inputs).forEach(function (k) {
        var v = inputs[k].value;
        if (v.trim() === before[k]) return;
        fields[k] = k === "regions" ? v.split(",").map(function (s) { return s.trim(); }).filter(Boolean) : v.trim();
        any = true;
      });
      if (!any) { form.remove(); return; }
      save.disabled = del.disabled = true;
      ui.edit({ op: "shape", keypath: shape.keypath, fields: fields }).then(answered);
    };
    del.onclick = function () {
      var what = shape.site === "line" ? "line" : shape.site === "area" ? "area" : "zone";
      if (!window.confirm("Delete the " + what + " " + shape.name + " from the file?")) return;
      save.disabled = del.disabled = true;
      ui.edit({ op: "delete", keypath: shape.keypath }).then(answered);
    };
    document.body.appendChild(form);
    var first = Object.keys(inputs)[0];
    if (first) inputs[first].focus();
  }

  window.mapperServeShapes = { draw: draw, open: open };
})();
