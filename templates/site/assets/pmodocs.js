/* pmodocs: sortable tables (table[data-sortable]). No dependencies, no outside requests.
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

  function init() {
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
