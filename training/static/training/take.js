// Taking a spot test: each choice is saved at once; the countdown follows the server's deadline.
(function () {
  "use strict";
  const root = document.getElementById("take");
  if (!root) return;
  const deadline = Date.parse(root.dataset.deadline);
  // The browser's clock may be wrong: count from the server's time at page load.
  const offset = Date.parse(root.dataset.now) - Date.now();
  const countdown = document.getElementById("countdown");
  const alertBox = document.getElementById("take-alert");
  const csrf = document.querySelector("#submit-form input[name=csrfmiddlewaretoken]").value;
  // Answers are saved one by one as they change; the answer form itself is never submitted.
  const answers = document.getElementById("answers");
  if (answers) answers.addEventListener("submit", (event) => event.preventDefault());
  const pending = new Set();
  let over = false;

  function showAlert(text) {
    alertBox.textContent = text;
    alertBox.classList.remove("d-none");
  }

  function signedOut(data) {
    alertBox.textContent = data.error + " ";
    const link = document.createElement("a");
    link.href = data.login + "?next=" + encodeURIComponent(window.location.pathname);
    link.className = "alert-link";
    link.textContent = root.dataset.signin;
    alertBox.appendChild(link);
    alertBox.classList.remove("d-none");
  }

  function lock() {
    over = true;
    root.querySelectorAll("#answers input").forEach((input) => { input.disabled = true; });
  }

  function tick() {
    const left = Math.max(0, deadline - (Date.now() + offset));
    const minutes = Math.floor(left / 60000);
    const seconds = Math.floor((left % 60000) / 1000);
    countdown.textContent = String(minutes).padStart(2, "0") + ":" + String(seconds).padStart(2, "0");
    if (left <= 60000) countdown.classList.add("text-danger");
    if (left <= 0 && !over) {
      lock();
      showAlert(root.dataset.timeup);
      setTimeout(() => { window.location.href = root.dataset.result; }, 1500);
    }
  }

  function choiceOf(fieldset) {
    return Array.from(fieldset.querySelectorAll("input:checked")).map((i) => i.value);
  }

  function updateCount() {
    const n = Array.from(root.querySelectorAll("fieldset[data-question]")).filter((f) => choiceOf(f).length).length;
    document.getElementById("answered").textContent = n;
  }

  // One save per question at a time: a change made while a save is on its way is sent when
  // it returns, so the server never receives an older choice after a newer one.
  const inFlight = new Set();
  const changedMeanwhile = new Set();

  async function save(fieldset) {
    const status = fieldset.querySelector(".save-status");
    status.innerHTML = '<span class="text-muted">' + root.dataset.saving + "</span>";
    if (inFlight.has(fieldset)) {
      changedMeanwhile.add(fieldset);
      return;
    }
    inFlight.add(fieldset);
    const body = new URLSearchParams();
    body.append("question", fieldset.dataset.question);
    choiceOf(fieldset).forEach((c) => body.append("choice", c));
    try {
      const response = await fetch(root.dataset.answerUrl, {
        method: "POST",
        headers: { "X-CSRFToken": csrf, "X-Requested-With": "fetch" },
        body: body,
        credentials: "same-origin",
      });
      const data = await response.json();
      if (response.status !== 401) pending.delete(fieldset);
      if (response.ok) {
        if (!changedMeanwhile.has(fieldset)) {
          status.innerHTML = choiceOf(fieldset).length ? '<span class="text-success">' + root.dataset.saved + "</span>" : "";
        }
      } else {
        changedMeanwhile.delete(fieldset);
        status.innerHTML = "";
        const text = document.createElement("span");
        text.className = "text-danger";
        text.textContent = data.error;
        status.appendChild(text);
        if (data.code === "signed_out") {
          // The session ended (idle timeout): saving cannot go on until the officer signs in
          // again; what was saved is on the server, and the page comes back after the login.
          pending.add(fieldset);
          signedOut(data);
        } else if (data.code === "time_up" || data.code === "already_submitted") {
          lock();
          showAlert(data.error);
          setTimeout(() => { window.location.href = root.dataset.result; }, 2500);
        }
      }
    } catch (error) {
      // A dropped connection: keep the choice and retry; saved answers stay on the server.
      changedMeanwhile.delete(fieldset);
      pending.add(fieldset);
      status.innerHTML = '<span class="text-warning">' + root.dataset.offline + "</span>";
    } finally {
      inFlight.delete(fieldset);
    }
    if (changedMeanwhile.delete(fieldset) && !over) save(fieldset);
  }

  root.querySelectorAll("fieldset[data-question]").forEach((fieldset) => {
    fieldset.addEventListener("change", () => {
      if (over) return;
      updateCount();
      save(fieldset);
    });
  });
  setInterval(() => { if (!over) pending.forEach((f) => save(f)); }, 5000);
  tick();
  setInterval(tick, 500);
})();
