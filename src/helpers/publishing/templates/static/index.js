/* reports/index.html: sort a district table by a column, and find a district. Progressive enhancement:
   without this script the tables are complete, in name order; nothing is loaded from anywhere. */
(function () {
  "use strict";
  function key(cell) {
    if (!cell) { return ""; }
    return (cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent).trim();
  }
  function order(a, b, numeric, ascending) {
    if (a === "" || b === "") { return a === b ? 0 : (a === "" ? 1 : -1); }  /* blanks last either way */
    var c = numeric ? parseFloat(a) - parseFloat(b) : a.localeCompare(b, document.documentElement.lang);
    return ascending ? c : -c;
  }
  function sortBy(table, th, button) {
    var index = th.cellIndex, numeric = th.getAttribute("data-sort") === "number";
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("thead th[aria-sort]").forEach(function (other) { other.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) { return order(key(a.cells[index]), key(b.cells[index]), numeric, ascending); });
    rows.forEach(function (row) { body.appendChild(row); });
    button.focus();
  }
  document.querySelectorAll("table.kit-sortable").forEach(function (table) {
    table.querySelectorAll("thead th[data-sort]").forEach(function (th) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "kit-sort";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, th, button); });
    });
  });
  document.querySelectorAll("input.kit-district-filter").forEach(function (input) {
    var table = document.getElementById(input.getAttribute("data-table"));
    if (!table) { return; }
    input.closest(".kit-table-tools").hidden = false;
    input.addEventListener("input", function () {
      var query = input.value.trim().toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var text = (row.getAttribute("data-search") || "") + " " + row.textContent;
        row.hidden = query !== "" && text.toLowerCase().indexOf(query) === -1;
      });
    });
  });
}());
