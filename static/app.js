// Highlight's only script of its own. Loaded as <script type="module"> from base.html: GOV.UK Frontend 6
// ships as an ES module, and module scripts run only in browsers that GOV.UK Frontend supports.
import { initAll } from "./vendor/govuk-frontend/govuk-frontend.min.js";

// govuk_frontend_jinja's template.html sets these classes with an inline <script>, which a strict
// Content-Security-Policy may block. Set them here too (adding a class twice is harmless): initAll()
// does nothing unless <body> has govuk-frontend-supported.
document.body.classList.add("js-enabled", "govuk-frontend-supported");

// Components in content that htmx swaps in were initialised earlier only if they existed then; GOV.UK
// Frontend refuses (InitError) to initialise an element twice, which is expected here, so stay quiet.
function ignoreAlreadyInitialised(error) {
  if (error && error.name === "InitError") {
    return;
  }
  console.log(error);
}

initAll();

document.body.addEventListener("htmx:load", (event) => {
  const elt = event.detail && event.detail.elt;
  // htmx fires htmx:load on <body> once at start-up: initAll() above has already covered it.
  if (!elt || elt === document.body) {
    return;
  }
  // initAll searches the scope's descendants only, so start at the parent in case the swapped
  // element itself carries data-module (for example an outerHTML swap of an error summary).
  initAll({ scope: elt.parentElement || elt, onError: ignoreAlreadyInitialised });
});

// After an htmx swap, focus goes where a whole page would put it: to what the response marks with data-app-focus
// (a decision's outcome, or the error summary of a refused one). A filter or an autosave marks nothing, so focus
// stays where the person is. The mark is removed once used, so that a later swap cannot send focus back to it.
document.body.addEventListener("htmx:afterSettle", () => {
  const target = document.querySelector("[data-app-focus]");
  if (!target) {
    return;
  }
  target.removeAttribute("data-app-focus");
  if (!target.hasAttribute("tabindex")) {
    target.setAttribute("tabindex", "-1");
  }
  target.focus();
});
