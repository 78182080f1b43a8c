// Linli's only script besides htmx: small behaviours that must not be inline (CSP).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
