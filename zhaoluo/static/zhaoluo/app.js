/* 招落通 page behaviour. No inline scripts anywhere: everything hooks up from here. */
(function () {
  "use strict";

  function modal() {
    var el = document.getElementById("action-modal");
    return el && window.bootstrap ? window.bootstrap.Modal.getOrCreateInstance(el) : null;
  }

  // An action loaded into the modal opens it.
  document.body.addEventListener("htmx:afterSwap", function (evt) {
    if (evt.detail.target && evt.detail.target.id === "action-modal-content") {
      var m = modal();
      if (m) { m.show(); }
    }
  });

  // Closing the modal empties it, so the next action starts clean.
  var modalEl = document.getElementById("action-modal");
  if (modalEl) {
    modalEl.addEventListener("hidden.bs.modal", function () {
      var content = document.getElementById("action-modal-content");
      if (content) { content.innerHTML = ""; }
    });
  }

  // Filter forms (data-clean-params) leave empty fields out of the request and the pushed URL.
  document.body.addEventListener("htmx:configRequest", function (evt) {
    var elt = evt.detail.elt;
    var form = elt && elt.closest ? elt.closest("form[data-clean-params]") : null;
    if (!form || evt.detail.verb !== "get") { return; }
    var params = evt.detail.parameters;
    var keys = typeof params.keys === "function" ? Array.from(params.keys()) : Object.keys(params);
    keys.forEach(function (key) {
      var values = typeof params.getAll === "function" ? params.getAll(key) : [].concat(params[key]);
      if (values.every(function (v) { return v === ""; })) {
        if (typeof params.delete === "function") { params.delete(key); } else { delete params[key]; }
      }
    });
  });

  // A sort chosen by a column header shows in the form's sort box too.
  document.body.addEventListener("htmx:afterSettle", function (evt) {
    if (!evt.detail.target || evt.detail.target.id !== "results" || !evt.detail.xhr) { return; }
    var select = document.getElementById("id_ordering");
    if (!select) { return; }
    var url = new URL(evt.detail.xhr.responseURL, window.location.href);
    select.value = url.searchParams.get("ordering") || "";
  });

  // A failed request (network, 5xx) says so instead of silently doing nothing.
  document.body.addEventListener("htmx:responseError", function (evt) {
    var status = evt.detail.xhr ? evt.detail.xhr.status : 0;
    var text = status === 403 ? "没有权限进行此操作" : status === 404 ? "记录不存在或不在您的查看范围内" : "操作失败，请稍后重试（" + status + "）";
    window.alert(text);
  });
  document.body.addEventListener("htmx:sendError", function () {
    window.alert("网络连接失败，请检查网络后重试");
  });

  // <form data-confirm="..."> asks before submitting (delete, terminate).
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (form && form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      evt.preventDefault();
      evt.stopImmediatePropagation();
    }
  }, true);
})();
