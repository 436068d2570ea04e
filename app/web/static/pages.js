// Runs on every page (a module: only browsers NHS.UK frontend supports run it). It does what
// the page template's inline script would, which the pages' Content-Security-Policy forbids.
import { initAll } from "./vendor/nhsuk-frontend/nhsuk-frontend.min.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();
