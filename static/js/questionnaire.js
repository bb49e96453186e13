// Error summary: take the focus on load so screen readers announce it, and
// make its links move the focus to the field they name (a fragment link alone
// only scrolls).
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.getElementById("error-summary");
  if (!summary) {
    return;
  }
  summary.focus();
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    const field = link && document.getElementById(link.hash.slice(1));
    if (field) {
      event.preventDefault();
      field.focus();
      field.scrollIntoView({ block: "center" });
    }
  });
});

// Unsaved changes: leaving a questionnaire step whose answers differ from
// those the page came with asks first (the browser's own "Leave site?").
// Submitting the step's form saves them, so it leaves without asking.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-unsaved-warning]");
  if (!form) {
    return;
  }
  const answers = () => new URLSearchParams(new FormData(form)).toString();
  const loaded = answers();
  let saving = false;
  form.addEventListener("submit", () => {
    saving = true;
  });
  window.addEventListener("beforeunload", (event) => {
    if (!saving && answers() !== loaded) {
      event.preventDefault();
      event.returnValue = ""; // older browsers show the prompt only with this
    }
  });
});
