// The header's menu on a phone or a narrow window: folded behind one button, so the page starts under a single
// line of header. The stylesheet folds it only under html.js, which this script sets as it loads: a browser that
// runs no script keeps the whole menu open, every link reachable.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector(".menu-toggle");
    var menu = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) return;

    function isOpen() {
      return button.getAttribute("aria-expanded") === "true";
    }
    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("open", open);
    }

    // A native button: Enter and Space arrive here as clicks.
    button.addEventListener("click", function () {
      setOpen(!isOpen());
    });
    // Escape, pressed on the button or a link of the open menu, folds it and gives focus back to the button.
    // Elsewhere Escape belongs to the page (a date picker, a select), so it is left alone.
    document.addEventListener("keydown", function (event) {
      var inside = event.target === button || menu.contains(event.target);
      if (event.key === "Escape" && isOpen() && inside) {
        setOpen(false);
        button.focus();
      }
    });
  });
})();
