// vplan preview: the document's pages over a WebSocket, kept up to date, and what a click
// on a page comes from. See src/preview/ (the server) and docs/commands/preview.md.
"use strict";
(() => {
  const pagesEl = document.getElementById("pages");
  const statusEl = document.getElementById("status");
  const errorsEl = document.getElementById("errors");
  const sourceEl = document.getElementById("source");
  const STATES = { connecting: "Ansluter …", live: "Live: sidorna följer filerna", offline: "Frånkopplad – försöker igen …" };
  let retry = 250;

  function setStatus(state) {
    statusEl.dataset.state = state;
    statusEl.textContent = STATES[state];
  }

  function connect() {
    setStatus("connecting");
    const ws = new WebSocket(`ws://${location.host}/ws`);
    ws.onopen = () => { setStatus("live"); retry = 250; };
    ws.onmessage = (event) => receive(JSON.parse(event.data));
    ws.onclose = () => {
      setStatus("offline");
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 4000);
    };
  }

  function receive(msg) {
    if (msg.type === "doc" || msg.type === "update") {
      showPages(msg, msg.type === "update");
      // The version of the pages shown (an error leaves them as they were).
      document.body.dataset.version = String(msg.version);
    }
    showErrors(msg.diagnostics || []);
    pagesEl.setAttribute("aria-busy", "false");
  }

  function pageEl(n) {
    let el = pagesEl.querySelector(`.page[data-page="${n}"]`);
    if (!el) {
      el = document.createElement("div");
      el.className = "page";
      el.dataset.page = String(n);
      el.setAttribute("role", "document");
      el.setAttribute("aria-label", `Sida ${n}`);
      pagesEl.appendChild(el);
    }
    return el;
  }

  // Pages are replaced in place: the page boxes keep their size, so the scroll position stays.
  function showPages(msg, mark) {
    for (let n = pagesEl.children.length + 1; n <= msg.count; n++) pageEl(n);
    while (pagesEl.children.length > msg.count) pagesEl.lastElementChild.remove();
    for (const p of msg.pages) {
      const el = pageEl(p.page);
      el.style.aspectRatio = `${p.width} / ${p.height}`;
      el.innerHTML = p.svg;
      if (mark) {
        el.classList.add("changed");
        clearTimeout(el._changed);
        el._changed = setTimeout(() => el.classList.remove("changed"), 2000);
      }
    }
  }

  function loc(place) {
    const a = document.createElement("a");
    a.className = "loc";
    a.href = place.url;
    a.textContent = `${place.file}:${place.line}:${place.column}`;
    return a;
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function showErrors(diagnostics) {
    const list = errorsEl.querySelector("ul");
    list.replaceChildren();
    for (const d of diagnostics) {
      const li = el("li", `diagnostic ${d.severity}`);
      if (d.file) {
        const a = loc({ url: d.url, file: d.file, line: d.line || 1, column: d.column || 1 });
        if (!d.line) a.textContent = d.file;
        li.append(a, " ");
      }
      li.append(el("span", "message", d.message));
      if (d.hint) li.append(el("span", "hint", `hint: ${d.hint}`));
      list.append(li);
    }
    errorsEl.hidden = diagnostics.length === 0;
  }

  function showSource(found) {
    if (!found.found) return;
    if (found.goto) {
      const target = pagesEl.querySelector(`.page[data-page="${found.goto.page}"]`);
      if (target) target.scrollIntoView({ behavior: "smooth" });
      return;
    }
    const where = sourceEl.querySelector(".where");
    const derivation = sourceEl.querySelector(".derivation");
    where.replaceChildren();
    derivation.replaceChildren();
    if (found.where) {
      where.append(loc(found.where));
      if (found.where.path) where.append(el("span", "path", found.where.path));
    } else if (found.template) {
      where.append(el("span", "template", `Satt av mallen ${found.template}`));
    } else if (found.url) {
      const a = el("a", "url", found.url);
      a.href = found.url;
      where.append("Länk till ", a);
    }
    const d = found.figure && found.figure.derivation;
    if (d) showDerivation(derivation, d);
    sourceEl.hidden = false;
  }

  function showDerivation(box, d) {
    box.append(el("p", "figure-label", d.label));
    box.append(el("p", "formula", d.formula));
    if (d.note) box.append(el("p", "note", d.note));
    if (!d.terms || d.terms.length === 0) return;
    const list = el("ul", "terms");
    for (const t of d.terms) {
      const li = el("li", "term");
      li.append(el("span", "sign", t.sign || ""), el("span", "label", t.label), el("span", "value", t.shown || "–"));
      if (t.where) li.append(loc(t.where));
      list.append(li);
    }
    box.append(list);
  }

  pagesEl.addEventListener("click", (event) => {
    const page = event.target.closest(".page");
    const svg = page && page.querySelector("svg");
    if (!svg) return;
    if (String(window.getSelection())) return; // selecting text, not asking
    event.preventDefault();
    const box = svg.getBoundingClientRect();
    const view = svg.viewBox.baseVal;
    const x = ((event.clientX - box.left) * view.width) / box.width;
    const y = ((event.clientY - box.top) * view.height) / box.height;
    fetch(`/api/source?page=${page.dataset.page}&x=${x.toFixed(2)}&y=${y.toFixed(2)}`)
      .then((r) => r.json())
      .then(showSource)
      .catch(() => {});
  });
  sourceEl.querySelector(".close").addEventListener("click", () => { sourceEl.hidden = true; });
  connect();
})();
