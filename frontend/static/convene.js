// Convene's progressive enhancements. Every page works without this script; it only saves
// people some typing. The Content-Security-Policy allows no inline script, so this file is
// the only script a page runs.
"use strict";

// An empty time zone field takes the zone this browser runs in, so nobody has to look up
// their IANA name; they can still change it, and without the script the server's default
// applies.
for (const input of document.querySelectorAll("input[data-guess-zone]")) {
  if (input.value !== "") {
    continue;
  }
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) {
      input.value = zone;
    }
  } catch {
    // An old browser without Intl time zones: leave the field empty.
  }
}
