// The language switches as soon as one is chosen; without JavaScript the form's button does it.
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form.language-switcher")) {
    const select = form.querySelector("select");
    form.classList.add("switches-on-change");
    select.addEventListener("change", () => form.submit());
  }
});
