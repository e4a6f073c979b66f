/* socklab slides: keyboard navigation, presenter notes, fit to screen.
 * No libraries, nothing fetched. #N in the address opens slide N.
 * Code is never shrunk here: slides/build.c sizes it (18 px at least on the
 * 1280x720 stage) and tests/t_layout.c checks in a browser that it fits. */
(function () {
  "use strict";
  var slides = document.querySelectorAll(".slide");
  var deck = document.getElementById("deck");
  var current = 0, typed = "", notesWindow = null, started = Date.now();

  var counter = document.createElement("div");
  counter.id = "counter";
  deck.appendChild(counter);
  var help = document.createElement("div");
  help.id = "help";
  help.innerHTML = "<h1>Keys</h1><table>" +
    "<tr><td>&rarr; &darr; Space PageDown</td><td>next slide</td></tr>" +
    "<tr><td>&larr; &uarr; Shift+Space PageUp</td><td>previous slide</td></tr>" +
    "<tr><td>Home / End</td><td>first / last slide</td></tr>" +
    "<tr><td>12 Enter</td><td>go to slide 12</td></tr>" +
    "<tr><td>n</td><td>show or hide the notes under the slide</td></tr>" +
    "<tr><td>p</td><td>open the notes in a second window</td></tr>" +
    "<tr><td>? or h</td><td>show or hide this help</td></tr>" +
    "<tr><td>Escape</td><td>close this help</td></tr></table>";
  deck.appendChild(help);

  function fit() {
    var scale = Math.min(window.innerWidth / 1280, window.innerHeight / 720);
    document.documentElement.style.setProperty("--scale", String(scale));
  }

  function fromHash() {
    var n = parseInt(String(location.hash).replace("#", ""), 10);
    return isNaN(n) ? 0 : n - 1;
  }

  function notesOf(i) {
    var aside = slides[i] && slides[i].querySelector(".notes");
    return aside ? aside.innerHTML : "<p>(no notes for this slide)</p>";
  }

  function titleOf(i) {
    var h = slides[i] && slides[i].querySelector("h1");
    return h ? h.textContent : "";
  }

  function updateNotesWindow() {
    if (!notesWindow || notesWindow.closed)
      return;
    try {
      var d = notesWindow.document;
      d.getElementById("where").textContent = "Slide " + (current + 1) + " of " + slides.length +
        ": " + titleOf(current);
      d.getElementById("next").textContent = current + 1 < slides.length ?
        "Next: " + titleOf(current + 1) : "Last slide";
      d.getElementById("notes").innerHTML = notesOf(current);
    } catch (e) { /* the window went away */ }
  }

  function show(i) {
    i = Math.max(0, Math.min(slides.length - 1, i));
    if (slides[current])
      slides[current].classList.remove("current");
    current = i;
    slides[current].classList.add("current");
    counter.textContent = (current + 1) + " / " + slides.length;
    if (fromHash() !== current) {
      try { history.replaceState(null, "", "#" + (current + 1)); }
      catch (e) { location.hash = "#" + (current + 1); }
    }
    updateNotesWindow();
  }

  function openNotesWindow() {
    notesWindow = window.open("", "socklab-notes", "width=900,height=640");
    if (!notesWindow) {
      document.body.classList.add("show-notes");   /* pop-ups blocked: notes in place */
      return;
    }
    var d = notesWindow.document;
    d.open();
    d.write("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Notes: " +
      document.title.replace(/</g, "&lt;") + "</title><style>" +
      "body{font-family:system-ui,Arial,sans-serif;margin:24px;background:#fff8d6;color:#222}" +
      "#where{font-size:26px;font-weight:bold}#next{font-size:20px;color:#555;margin:6px 0 16px}" +
      "#notes p{font-size:24px;line-height:1.4}#clock{float:right;font-size:24px;color:#555}" +
      "code{font-family:Consolas,monospace}</style></head><body><div id='clock'></div>" +
      "<div id='where'></div><div id='next'></div><div id='notes'></div></body></html>");
    d.close();
    d.addEventListener("keydown", onKey);
    notesWindow.setInterval(function () {
      var s = Math.floor((Date.now() - started) / 1000);
      var el = d.getElementById("clock");
      if (el)
        el.textContent = Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2);
    }, 1000);
    updateNotesWindow();
  }

  function onKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey)
      return;
    var k = e.key, handled = true;
    if (k === "ArrowRight" || k === "ArrowDown" || k === "PageDown" || (k === " " && !e.shiftKey))
      show(current + 1);
    else if (k === "ArrowLeft" || k === "ArrowUp" || k === "PageUp" || (k === " " && e.shiftKey))
      show(current - 1);
    else if (k === "Home")
      show(0);
    else if (k === "End")
      show(slides.length - 1);
    else if (k === "n" || k === "N")
      document.body.classList.toggle("show-notes");
    else if (k === "p" || k === "P")
      openNotesWindow();
    else if (k === "?" || k === "h")
      help.classList.toggle("open");
    else if (k === "Escape")
      help.classList.remove("open");
    else if (/^[0-9]$/.test(k))
      typed += k;
    else if (k === "Enter" && typed !== "")
      show(parseInt(typed, 10) - 1);
    else
      handled = false;
    if (k !== "Enter" && !/^[0-9]$/.test(k))
      typed = "";
    else if (k === "Enter")
      typed = "";
    if (handled)
      e.preventDefault();
  }

  document.addEventListener("keydown", onKey);
  window.addEventListener("resize", fit);
  window.addEventListener("hashchange", function () {
    if (fromHash() !== current)
      show(fromHash());
  });
  window.socklabDeck = { show: show, key: function (key, shift) {
    onKey({ key: key, shiftKey: !!shift, preventDefault: function () {} });
    return current + 1;
  } };
  fit();
  show(fromHash());
})();
