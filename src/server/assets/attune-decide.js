/*! Attune browser script (docs/api.md ("Browser script")). Plain ES2019, no dependencies. Failures never throw
 * into the page: decide() resolves to null, render() renders nothing; both console.warn. */
(function (root) {
  'use strict';
  // decision -> { host, writeKey, userId, anonymousId }: how render() sends clicks back.
  var sent = new WeakMap();

  function warn(message, detail) {
    if (root.console) root.console.warn('[attune] ' + message, detail);
  }

  function baseUrl(host) {
    return String(host || '').replace(/\/+$/, '');
  }

  function decide(options) {
    var o = options || {};
    var body = { placement: o.placement };
    if (o.userId) body.userId = o.userId;
    else if (o.anonymousId) body.anonymousId = o.anonymousId;
    if (o.context) body.context = o.context;
    // Any failure (bad options, network, 4xx) ends in the catch.
    return Promise.resolve().then(function () {
      if (!o.key || !o.placement) throw new Error('decide() needs { key, placement }');
      return fetch(baseUrl(o.host) + '/v1/decide', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer ' + o.key },
        body: JSON.stringify(body),
        credentials: 'omit',
      });
    }).then(function (res) {
      return res.json().then(function (json) {
        if (!res.ok) throw new Error(res.status + ' ' + (json && json.message));
        sent.set(json, { host: o.host, writeKey: o.writeKey, userId: body.userId, anonymousId: body.anonymousId });
        return json;
      });
    }).catch(function (error) {
      warn('decide failed', error);
      return null;
    });
  }

  // A new element under parent, its text set with textContent (never parsed as HTML).
  function el(parent, tag, className, text) {
    var node = document.createElement(tag);
    node.className = className;
    if (text != null) node.textContent = String(text);
    return parent ? parent.appendChild(node) : node;
  }

  function trackClick(how, decisionId, itemId) {
    if (!how || !how.writeKey || !(how.userId || how.anonymousId)) return;
    var event = {
      writeKey: how.writeKey,
      event: 'Product Clicked',
      timestamp: new Date().toISOString(),
      properties: { product_id: itemId, decision_id: decisionId },
    };
    if (how.userId) event.userId = how.userId;
    else event.anonymousId = how.anonymousId;
    // text/plain + writeKey in the body, as analytics.js: no CORS preflight.
    fetch(baseUrl(how.host) + '/v1/track', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify(event),
      credentials: 'omit',
      keepalive: true,
    }).then(function (res) {
      if (!res.ok) warn('track answered ' + res.status);
    }, function (error) { warn('track failed', error); });
  }

  function renderInto(decision, element, how) {
    var box = el(null, 'div', 'attune-decision');
    var content = decision.content;
    if (content && content.body) {
      // Trusted: the server's templates HTML-escape every value.
      el(box, 'div', 'attune-content').innerHTML = content.body;
    } else if (content) {
      if (content.subject) el(box, 'h2', 'attune-subject', content.subject);
      if (content.text) el(box, 'p', 'attune-text', content.text);
    }
    var items = decision.recommendations && decision.recommendations.items;
    if (items && items.length) {
      var list = el(box, 'ul', 'attune-items');
      items.forEach(function (item) {
        var li = el(list, 'li', 'attune-item');
        li.setAttribute('data-item-id', item.itemId);
        el(li, 'span', 'attune-item-name', item.name || item.itemId);
        if (typeof item.price === 'number') el(li, 'span', 'attune-item-price', item.price.toFixed(2));
        var reason = item.reasons && item.reasons[0];
        if (reason) el(li, 'small', 'attune-item-reason', reason.text);
        li.addEventListener('click', function () { trackClick(how, decision.decisionId, item.itemId); });
      });
    }
    var offer = decision.offer;
    if (offer) {
      var aside = el(box, 'aside', 'attune-offer');
      el(aside, 'strong', 'attune-offer-headline', offer.headline || offer.name);
      if (offer.discountPercent > 0) el(aside, 'span', 'attune-offer-discount', offer.discountPercent + '% off');
      el(aside, 'small', 'attune-offer-reason', offer.reason);
    }
    element.textContent = '';
    element.appendChild(box);
    element.setAttribute('data-decision-id', decision.decisionId);
  }

  // options ({ host, writeKey, userId | anonymousId }) default to those given to decide().
  function render(decision, element, options) {
    try {
      if (!decision || typeof decision.decisionId !== 'string') return;
      if (!element || typeof element.appendChild !== 'function') throw new Error('render() needs an element');
      renderInto(decision, element, options || sent.get(decision) || null);
    } catch (error) {
      warn('render failed', error);
    }
  }

  root.Attune = { decide: decide, render: render, version: 1 };
})(typeof self === 'object' ? self : this);
