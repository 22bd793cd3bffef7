// Show only the fields that belong to the chosen case type (review or litigation).
(function () {
  var kind = document.querySelector('select[name="kind"]');
  if (!kind) return;
  function sync() {
    document.querySelectorAll('.review-only').forEach(function (el) { el.hidden = kind.value !== 'review'; });
    document.querySelectorAll('.litigation-only').forEach(function (el) { el.hidden = kind.value !== 'litigation'; });
  }
  kind.addEventListener('change', sync);
  sync();
})();
