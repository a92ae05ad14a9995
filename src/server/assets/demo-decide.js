/* The demo page's own script (GET /demo/decide.js): a separate file because the page's CSP allows
 * scripts from 'self' only, never inline ones. Prefills the form from ?key=&user=&placement=&writeKey=. */
(function () {
  'use strict';
  var params = new URLSearchParams(window.location.search);
  var fields = ['key', 'user', 'placement', 'writeKey'];
  fields.forEach(function (name) {
    var value = params.get(name);
    if (value !== null) document.getElementById(name).value = value;
  });
  var status = document.getElementById('status');
  var slot = document.getElementById('slot');
  var raw = document.getElementById('raw');

  document.getElementById('ask').addEventListener('submit', function (event) {
    event.preventDefault();
    if (!window.Attune) { status.textContent = 'The Attune script did not load.'; return; }
    var user = document.getElementById('user').value.trim();
    var options = {
      host: window.location.origin,
      key: document.getElementById('key').value.trim(),
      placement: document.getElementById('placement').value.trim(),
      context: { page: window.location.pathname, device: window.innerWidth < 700 ? 'mobile' : 'desktop' },
    };
    var writeKey = document.getElementById('writeKey').value.trim();
    if (writeKey) options.writeKey = writeKey;
    if (user) options.userId = user;
    status.textContent = 'Asking…';
    window.Attune.decide(options).then(function (decision) {
      if (decision === null) {
        status.textContent = 'No answer (see the console).';
        slot.removeAttribute('data-decision-id');
        while (slot.firstChild) slot.removeChild(slot.firstChild);
        raw.textContent = '';
        return;
      }
      window.Attune.render(decision, slot);
      raw.textContent = JSON.stringify(decision, null, 2);
      status.textContent = 'Decision ' + decision.decisionId + (decision.personalized ? ' (personalized)' : ' (not personalized: ' + decision.notPersonalizedReason + ')');
    });
  });
})();
