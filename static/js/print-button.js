// A "Print" button (data-print-button) prints the page; a script file, since
// the Content-Security-Policy runs no onclick="" attribute.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print-button]")) window.print();
});
