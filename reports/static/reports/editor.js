// The annual report editor. The form autosaves through htmx with the version it was loaded at
// (each save answers the new version, swapped into the hidden field). A save the server refuses
// shows its reason in the status line; a conflict (409: someone else saved a newer version)
// also stops the autosave, so this page never writes over the newer text. The user's text stays
// in the fields, to be copied before reloading.
(function () {
  // The form that sent the request (htmx fires beforeSwap on the swap target, the status line).
  function editorOf(event) {
    const detail = event.detail || {};
    const elt = (detail.requestConfig && detail.requestConfig.elt) || detail.elt;
    return elt && elt.id === "report-form" ? elt : null;
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    const form = editorOf(event);
    if (!form) return;
    const status = event.detail.xhr.status;
    if (status === 400 || status === 409) {
      // htmx does not swap error answers by default; these carry the message for the status line.
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
    if (status === 409) {
      form.dataset.conflict = "true";
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    const form = editorOf(event);
    if (form && form.dataset.conflict === "true") {
      event.preventDefault();
    }
  });
})();
