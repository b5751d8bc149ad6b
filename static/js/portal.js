// The portal's own small scripts (no inline scripts in the pages).
document.addEventListener("keydown", function (event) {
  // Ctrl+Enter (or Cmd+Enter) submits the form the cursor is in, even from a text area.
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    const form = event.target.closest && event.target.closest("form");
    if (form) {
      event.preventDefault();
      form.requestSubmit();
    }
  }
});
document.addEventListener("change", function (event) {
  // An anonymous report keeps no identity: the three identity fields are cleared and disabled.
  if (event.target.id === "id_is_anonymous") {
    ["id_reporter_name", "id_reporter_id_number", "id_reporter_phone"].forEach(function (id) {
      const input = document.getElementById(id);
      if (input) {
        if (event.target.checked) input.value = "";
        input.disabled = event.target.checked;
      }
    });
  }
});

// A side panel that follows a field: <aside data-panel-url="/x/__value__/" data-panel-source="id_field">
// loads the panel for the field's value (e.g. the guidance for the chosen incident category).
function loadPanel(aside) {
  const source = document.getElementById(aside.dataset.panelSource);
  if (!source || !aside.dataset.panelUrl) return;
  if (!source.value) {
    aside.replaceChildren();
    return;
  }
  htmx.ajax("GET", aside.dataset.panelUrl.replace("__value__", encodeURIComponent(source.value)), {target: aside, swap: "innerHTML"});
}
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-panel-url][data-panel-source]").forEach(function (aside) {
    if (!aside.dataset.panelUrl) return;
    loadPanel(aside);
    const source = document.getElementById(aside.dataset.panelSource);
    if (source) source.addEventListener("change", function () { loadPanel(aside); });
  });
});
