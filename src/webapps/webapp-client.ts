/**
 * The browser client every webapp page may load with `<script src="/webapps/_client.js">`:
 *
 *   const page = await llano.dataset('obs').rows({ filters: [{ column: 'antenna', op: 'eq', value: 'DA41' }], columns: ['ts', 'trec'], limit: 500 });
 *   const means = await llano.dataset('obs').aggregate({ groupBy: ['antenna'], measures: [{ column: 'trec', agg: 'avg' }] });
 *   const t = await llano.sql('SELECT count(*) AS n FROM obs WHERE trec > $1', [30]);
 *   const answer = await llano.backend('summary', { band: 3 });   // POST; llano.backend('summary') is a GET
 *   const me = await llano.user();   // {username, role, apiKey}: role is admin, writer, reader or viewer (shared)
 *
 * Tables come back as `{columns, types, rows: [{column: value}]}`; a failure rejects with an Error
 * whose message is the server's (and `status`). Calls go to the page's own webapp URL, so they
 * carry the viewer's permissions (the view token in the path), never a cookie.
 */
export const WEBAPP_CLIENT_JS = `(function () {
  'use strict';
  var match = /^(\\/webapps\\/[^/]+\\/[^/]+\\/(?:~[^/]+\\/)?)/.exec(location.pathname);
  var base = match ? match[1] : '/';
  function call(path, method, body) {
    var options = { method: method };
    // text/plain keeps the request "simple": no preflight from the sandboxed page.
    if (body !== undefined) { options.body = JSON.stringify(body); options.headers = { 'content-type': 'text/plain' }; }
    return fetch(base + 'api/' + path, options).then(function (res) {
      return res.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = text; }
        if (!res.ok) {
          var message = data && data.error && data.error.message ? data.error.message : 'HTTP ' + res.status;
          var error = new Error(message);
          error.status = res.status;
          error.code = data && data.error ? data.error.code : undefined;
          throw error;
        }
        return data;
      });
    });
  }
  function query(params) {
    var parts = [];
    Object.keys(params || {}).forEach(function (k) {
      var v = params[k];
      (Array.isArray(v) ? v : [v]).forEach(function (x) { parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(String(x))); });
    });
    return parts.length ? '?' + parts.join('&') : '';
  }
  var llano = {
    dataset: function (name) {
      return {
        rows: function (options) { return call('_data/rows', 'POST', Object.assign({}, options, { dataset: name })); },
        aggregate: function (options) { return call('_data/aggregate', 'POST', Object.assign({}, options, { dataset: name })); }
      };
    },
    sql: function (sql, params, options) {
      return call('_data/sql', 'POST', Object.assign({}, options, { query: sql, params: params || [] }));
    },
    backend: function (name, body, options) {
      var method = (options && options.method) || (body === undefined ? 'GET' : 'POST');
      if (method === 'GET') return call(encodeURIComponent(name) + query(body), 'GET');
      return call(encodeURIComponent(name), method, body);
    },
    user: function () { return call('_data/me', 'GET'); }
  };
  window.llano = llano;
})();
`;
