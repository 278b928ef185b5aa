// Copy a personal link with one tap, to paste it into WhatsApp or an SMS.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy-button]");
  if (!button) return;
  const source = button.parentElement.querySelector("[data-copy-source]");
  const done = () => {
    const label = button.textContent;
    button.textContent = button.dataset.copiedLabel || label;
    setTimeout(() => { button.textContent = label; }, 2000);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(source.value).then(done);
  } else {
    source.select();
    document.execCommand("copy");
    done();
  }
});
