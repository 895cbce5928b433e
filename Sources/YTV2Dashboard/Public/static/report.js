// Report page: a thumbnail that cannot load (no internet on a NAS or a private network) is removed, leaving the
// placeholder under it (the title's initial on the channel's colour) instead of a broken image.
"use strict";
for (const image of document.querySelectorAll(".thumb img")) {
  const fail = () => { image.closest(".thumb").classList.add("failed"); image.remove(); };
  if (image.complete && image.naturalWidth === 0) fail();
  else image.addEventListener("error", fail, { once: true });
}
