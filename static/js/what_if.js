// The what-if explorer without a button: a short pause in typing fetches the
// same GET form's URL, with a header asking for the panel alone, and patches
// the page from it. Inputs are never replaced, so focus and caret stay where
// they are: only the result, the error messages and the inputs' ARIA
// attributes change. Without JavaScript the form submits as a normal GET.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("what-if-form");
  const status = document.getElementById("what-if-status");
  if (!form || !status) {
    return;
  }
  const PAUSE_MS = 400;
  const SYNCED = ["aria-invalid", "aria-describedby"];
  let timer;
  let inFlight;

  function queryUrl() {
    // The form's action ends in #what-if-result, where a page load should land.
    const url = new URL(form.action);
    url.search = new URLSearchParams(new FormData(form)).toString();
    return url.href;
  }

  function patch(fresh) {
    for (const target of document.querySelectorAll("[data-what-if-replace]")) {
      const source = fresh.getElementById(target.id);
      if (source) {
        target.replaceChildren(...source.childNodes);
      }
    }
    for (const target of form.querySelectorAll("[id]")) {
      const source = fresh.getElementById(target.id);
      for (const name of SYNCED) {
        const value = source ? source.getAttribute(name) : null;
        if (value === null) {
          target.removeAttribute(name);
        } else {
          target.setAttribute(name, value);
        }
      }
    }
    const result = fresh.getElementById("what-if-result");
    document.title = result.dataset.title;
    // Polite: read once the client stops typing, without moving the focus.
    status.textContent = result.dataset.summary;
  }

  async function update() {
    const url = queryUrl();
    if (inFlight) {
      inFlight.abort();
    }
    inFlight = new AbortController();
    let response;
    try {
      response = await fetch(url, {
        headers: { "TeamAdvisor-Fragment": "what-if" },
        signal: inFlight.signal,
      });
    } catch (error) {
      if (error.name !== "AbortError") {
        status.textContent = "Could not update the plan: use the button below the answers.";
      }
      return;
    }
    if (!response.ok) {
      status.textContent = "Could not update the plan: use the button below the answers.";
      return;
    }
    const html = await response.text();
    // An answer typed while this was on its way: its own request follows.
    if (url !== queryUrl()) {
      return;
    }
    patch(new DOMParser().parseFromString(html, "text/html"));
    // The address bar shows this exploration, to share or bookmark.
    history.replaceState(null, "", url);
  }

  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(update, PAUSE_MS);
  });
});
