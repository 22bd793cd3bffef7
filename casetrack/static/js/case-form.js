// Show only the fields the chosen case type has: each carries data-kinds, written from the kind registry.
(function () {
  var kind = document.querySelector('select[name="kind"]');
  if (!kind) return;
  function sync() {
    document.querySelectorAll('[data-kinds]').forEach(function (el) {
      el.hidden = el.getAttribute('data-kinds').split(' ').indexOf(kind.value) === -1;
    });
  }
  kind.addEventListener('change', sync);
  sync();
})();
