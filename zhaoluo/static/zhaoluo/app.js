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
