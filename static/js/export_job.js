// An export's admin page reloads itself every two seconds while the export
// waits or runs, to show its progress; without JavaScript the page has a
// "Refresh" link. An external file: the CSP allows no inline script.
document.addEventListener("DOMContentLoaded", () => {
  if (document.querySelector("progress[data-export-running]")) {
    window.setTimeout(() => window.location.reload(), 2000);
  }
});
