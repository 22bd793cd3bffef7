// Show only the fields the chosen case type has: each carries data-kinds, written from the kind registry.
// The outcome options carry their kind in their value ("review:revoked"); only the chosen kind's are offered.
(function () {
  var kind = document.querySelector('select[name="kind"]');
  if (!kind) return;
  var outcome = document.querySelector('select[name="outcome"]');
  function sync() {
    document.querySelectorAll('[data-kinds]').forEach(function (el) {
      el.hidden = el.getAttribute('data-kinds').split(' ').indexOf(kind.value) === -1;
    });
    if (!outcome) return;
    Array.prototype.forEach.call(outcome.options, function (option) {
      var own = !option.value || option.value.split(':')[0] === kind.value;
      option.hidden = !own;
      option.disabled = !own;
    });
    if (outcome.selectedOptions.length && outcome.selectedOptions[0].disabled) outcome.value = '';
  }
  kind.addEventListener('change', sync);
  sync();
})();
