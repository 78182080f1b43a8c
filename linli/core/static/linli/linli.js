// Linli's only script besides htmx: small behaviours that must not be inline (CSP).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

// Ctrl+Enter (or Cmd+Enter) in a form marked data-submit-on-ctrl-enter submits it: the hotline
// desk is worked from the keyboard.
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    const form = event.target.closest && event.target.closest("form[data-submit-on-ctrl-enter]");
    if (form) {
      event.preventDefault();
      form.requestSubmit();
    }
  }
});
