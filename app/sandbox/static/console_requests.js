// Paysandbox console: the request journal panel (GET /_sandbox/requests) and the fault rules form.
(function () {
  "use strict";
  var workspace = document.body.dataset.workspace || "default";
  var body = document.getElementById("requests-body");
  var filters = document.getElementById("requests-filter");
  var faultForm = document.getElementById("fault-form");
  var statusEl = document.getElementById("status");

  function say(text, bad) {
    if (!statusEl) return;
    statusEl.textContent = text;
    statusEl.className = bad ? "bad" : "ok";
  }

  function headers(json) {
    var h = { "Accept": "application/json" };
    if (json) h["Content-Type"] = "application/json";
    if (workspace !== "default") h["X-Sandbox-Workspace"] = workspace;
    return h;
  }

  function getJSON(url) {
    return fetch(url, { headers: headers(false), credentials: "same-origin" }).then(function (resp) {
      if (!resp.ok) throw new Error(resp.status + " " + resp.statusText);
      return resp.json();
    });
  }

  function shellQuote(text) {
    return "'" + String(text).replace(/'/g, "'\\''") + "'";
  }

  // "Copy as curl": the request as recorded (secrets stay [redacted]: put your own token back).
  var SKIP = { "host": 1, "content-length": 1, "connection": 1, "accept-encoding": 1 };
  function asCurl(entry) {
    var url = window.location.origin + entry.path + (entry.query ? "?" + entry.query : "");
    var parts = ["curl", "-X", entry.method, shellQuote(url)];
    var sent = entry.request_headers || {};
    Object.keys(sent).forEach(function (name) {
      if (!SKIP[name]) parts.push("-H", shellQuote(name + ": " + sent[name]));
    });
    var b = entry.request_body;
    if (b) {
      var data = b.json !== undefined ? JSON.stringify(b.json) : b.form ? new URLSearchParams(b.form).toString() : b.text;
      if (data !== undefined) parts.push("--data-raw", shellQuote(data));
    }
    return parts.join(" ");
  }

  function cell(row, text, cls) {
    var td = document.createElement("td");
    td.textContent = text === null || text === undefined ? "" : String(text);
    if (cls) td.className = cls;
    row.appendChild(td);
    return td;
  }

  function row(e) {
    var tr = document.createElement("tr");
    tr.dataset.requestId = e.id;
    if (e.matched === false) tr.className = "unmatched";
    if (e.injected) tr.className += " injected";
    cell(tr, e.id, "num");
    cell(tr, e.time);
    cell(tr, e.platform);
    cell(tr, e.kind === "http" ? e.method : e.kind);
    cell(tr, e.path + (e.frame_type ? " · " + e.frame_type : ""), "mono");
    cell(tr, e.dropped ? "dropped" : e.close_code ? "close " + e.close_code : e.status);
    cell(tr, e.latency_ms === null ? "" : e.latency_ms + " ms", "num");
    cell(tr, e.user ? e.user.id : "");
    cell(tr, e.matched === false ? "no: " + e.unmatched_reason : e.matched === null ? "?" : "yes");
    var more = cell(tr, "");
    var details = document.createElement("details");
    var summary = document.createElement("summary");
    summary.textContent = e.injected ? "injected" : "details";
    if (e.injected) summary.title = e.injected;
    details.appendChild(summary);
    details.addEventListener("toggle", function () {
      if (!details.open || details.dataset.loaded) return;
      details.dataset.loaded = "1";
      getJSON("/_sandbox/requests/" + e.id).then(function (full) {
        var copy = document.createElement("button");
        copy.type = "button";
        copy.textContent = "Copy as curl";
        copy.addEventListener("click", function () {
          var text = asCurl(full);
          if (navigator.clipboard) navigator.clipboard.writeText(text).then(function () { say("curl copied"); });
          else window.prompt("curl", text);
        });
        var pre = document.createElement("pre");
        pre.textContent = JSON.stringify(full, null, 2);
        details.appendChild(copy);
        details.appendChild(pre);
      }).catch(function (err) { say(err.message, true); });
    });
    more.appendChild(details);
    return tr;
  }

  var newest = 0;
  function query(after) {
    var params = new URLSearchParams();
    if (filters) {
      Array.prototype.forEach.call(filters.elements, function (el) {
        if (!el.name) return;
        if (el.type === "checkbox") { if (el.checked) params.set(el.name, "true"); }
        else if (el.value) params.set(el.name, el.value);
      });
    }
    params.set("limit", "100");
    if (after) params.set("after", String(after));
    return "/_sandbox/requests?" + params.toString();
  }

  function refresh(reset) {
    if (!body) return;
    getJSON(query(reset ? 0 : newest)).then(function (page) {
      if (reset) body.textContent = "";
      var rows = page.requests;
      if (rows.length) newest = Math.max(newest, rows[0].id);
      for (var i = rows.length - 1; i >= 0; i--) body.insertBefore(row(rows[i]), body.firstChild);
      while (body.children.length > 200) body.removeChild(body.lastChild);
      var empty = body.querySelector("tr.empty");
      if (empty && body.children.length > 1) body.removeChild(empty);
      var info = document.getElementById("requests-size");
      if (info) info.textContent = page.size + " of " + page.capacity;
    }).catch(function (err) { say("journal: " + err.message, true); });
  }

  if (filters) {
    filters.addEventListener("submit", function (ev) { ev.preventDefault(); newest = 0; refresh(true); });
  }
  if (body) {
    refresh(true);
    window.setInterval(function () {
      var panel = document.getElementById("requests");
      if (!panel || !document.body.classList.contains("tabbed") || panel.classList.contains("active")) refresh(false);
    }, 2000);
  }

  // Fault rules: the form's fields make one rule for PUT /_sandbox/faults.
  if (faultForm) {
    faultForm.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var rule = {};
      Array.prototype.forEach.call(faultForm.elements, function (el) {
        if (!el.name || el.value === "") return;
        rule[el.name] = el.type === "number" ? Number(el.value) : el.value;
      });
      fetch("/_sandbox/faults", {
        method: "PUT", headers: headers(true), credentials: "same-origin", body: JSON.stringify({ rules: [rule] })
      }).then(function (resp) {
        return resp.json().then(function (data) {
          if (!resp.ok) throw new Error(resp.status + " " + (data.message || data.error));
          say("fault rule added");
          window.setTimeout(function () { window.location.reload(); }, 150);
        });
      }).catch(function (err) { say(err.message, true); });
    });
  }
})();
