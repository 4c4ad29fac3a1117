/* pmodocs: sortable tables (table[data-sortable]) and landmark names. No dependencies, no outside requests.
   Each column header becomes a button; a second click reverses the order. Numbers, money
   ($1,200) and ISO dates sort by value, everything else alphabetically. */
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    return cell ? cell.textContent.trim() : "";
  }

  function asNumber(text) {
    var plain = text.replace(/[$,%\s]/g, "");
    return /^-?\d+(\.\d+)?$/.test(plain) ? parseFloat(plain) : null;
  }

  function compare(a, b) {
    var na = asNumber(a), nb = asNumber(b);
    if (na !== null && nb !== null) return na - nb;
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
  }

  function sortBy(table, header, index) {
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("thead th").forEach(function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r1, r2) {
      var order = compare(cellValue(r1, index), cellValue(r2, index));
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function makeSortable(table) {
    if (table.dataset.sortReady) return;
    table.dataset.sortReady = "true";
    table.querySelectorAll("thead th").forEach(function (header, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "pm-sort";
      button.title = "Sort by this column";
      while (header.firstChild) button.appendChild(header.firstChild);
      header.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, header, index); });
    });
  }

  /* Accessible names Material leaves out: the search dialog has none, and a nav section and a
     heading in the page's table of contents may share one (landmarks must be unique). */
  function nameLandmarks() {
    document.querySelectorAll(".md-search[role=dialog]:not([aria-label])").forEach(function (d) {
      d.setAttribute("aria-label", "Search");
    });
    document.querySelectorAll(".md-nav--secondary nav[aria-labelledby]").forEach(function (nav) {
      var label = document.getElementById(nav.getAttribute("aria-labelledby"));
      if (label) nav.setAttribute("aria-label", "Contents: " + label.textContent.trim());
    });
    /* A section with its own index page labels its nav with an icon-only label: use the
       section's link text. */
    document.querySelectorAll("nav[aria-labelledby]").forEach(function (nav) {
      var label = document.getElementById(nav.getAttribute("aria-labelledby"));
      if (label && !label.textContent.trim()) {
        var box = label.closest(".md-nav__container");
        var text = box ? box.textContent.trim() : "";
        if (text) nav.setAttribute("aria-label", text);
      }
    });
    var seen = {};
    document.querySelectorAll("nav").forEach(function (nav) {
      var byId = nav.getAttribute("aria-labelledby");
      var label = nav.getAttribute("aria-label") ||
        (byId && document.getElementById(byId) ? document.getElementById(byId).textContent.trim() : "");
      if (!label) return;
      seen[label] = (seen[label] || 0) + 1;
      if (seen[label] > 1) nav.setAttribute("aria-label", label + " (" + seen[label] + ")");
    });
  }

  function init() {
    nameLandmarks();
    document.querySelectorAll("table[data-sortable]").forEach(makeSortable);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);  /* mkdocs-material: also after instant navigation */
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
