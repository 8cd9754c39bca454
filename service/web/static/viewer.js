// Rashomon viewer: submit articles, follow the run's progress (server-sent events read with
// fetch, so the API key header can be sent), or open a saved reconciliation.json; then show
// the result, rendered by the server (POST /v1/render) from the template reconciliation.html
// uses. The viewer's own text goes into the page through textContent / createTextNode only.
"use strict";

(function () {
  const $ = (sel) => document.querySelector(sel);
  const STEPS = {
    accounts: "Reading each article",
    alignment: "Comparing claims across outlets",
    "alignment-check": "Double-checking the disagreements",
    summary: "Writing the neutral summary",
  };

  // ------------------------------------------------------------------ small helpers

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else node.setAttribute(k, String(v));
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function plural(n, word) {
    return `${n} ${word}${n === 1 ? "" : "s"}`;
  }

  function headers(json) {
    const h = {};
    if (json) h["Content-Type"] = "application/json";
    const key = $("#api-key").value.trim();
    if (key) h["Authorization"] = `Bearer ${key}`;
    return h;
  }

  // ------------------------------------------------------------------ input form

  let articleCount = 0;

  function addArticle(values) {
    const frag = $("#article-template").content.cloneNode(true);
    const fs = frag.querySelector("fieldset");
    articleCount += 1;
    const n = articleCount;
    fs.querySelector("legend").textContent = `Article ${n}`;
    for (const label of fs.querySelectorAll("label[data-for]")) {
      const name = label.dataset.for;
      const id = `article-${n}-${name}`;
      label.htmlFor = id;
      fs.querySelector(`[name=${name}]`).id = id;
    }
    for (const name of ["outlet", "title", "url", "text"]) {
      if (values && values[name]) fs.querySelector(`[name=${name}]`).value = values[name];
    }
    if (values && values.origin) fs.dataset.origin = values.origin;
    const remove = fs.querySelector(".remove");
    remove.setAttribute("aria-label", `Remove article ${n}`);
    remove.addEventListener("click", () => {
      fs.remove();
      updateCount();
      $("#add-article").focus();
    });
    fs.querySelector("[name=text]").addEventListener("input", updateCount);
    $("#articles").append(frag);
    updateCount();
    return fs;
  }

  function articleBoxes() {
    return [...document.querySelectorAll("#articles fieldset.article")];
  }

  function updateCount() {
    const filled = articleBoxes().filter((fs) => fs.querySelector("[name=text]").value.trim()).length;
    $("#input-count").textContent = `(${plural(filled, "article")})`;
  }

  function collectArticles() {
    const out = [];
    for (const fs of articleBoxes()) {
      const text = fs.querySelector("[name=text]").value;
      if (!text.trim()) continue;
      const article = { text };
      for (const name of ["outlet", "title", "url"]) {
        const v = fs.querySelector(`[name=${name}]`).value.trim();
        if (v) article[name] = v;
      }
      // The file name lets the server name the outlet when neither metadata nor a copyright
      // line does.
      if (fs.dataset.origin) article.origin = fs.dataset.origin;
      out.push(article);
    }
    return out;
  }

  async function loadFiles(files) {
    const list = [...files];
    const results = list.filter((f) => /\.json$/i.test(f.name) || f.type === "application/json");
    const articles = list.filter((f) => !results.includes(f));
    if (results.length) {
      await openResultFile(results[0]);
      if (!articles.length) return;
    }
    // Replace empty article boxes first, then append.
    const empty = articleBoxes().filter((fs) => !fs.querySelector("[name=text]").value.trim());
    for (const file of articles) {
      const text = await file.text();
      const fs = empty.shift();
      if (fs) {
        fs.querySelector("[name=text]").value = text;
        fs.dataset.origin = file.name;
      } else {
        addArticle({ text, origin: file.name });
      }
    }
    updateCount();
    announce(`Loaded ${plural(articles.length, "file")}.`);
  }

  async function openResultFile(file) {
    clearProblem();
    let rec;
    try {
      rec = JSON.parse(await file.text());
    } catch (err) {
      showProblem({ title: `${file.name} is not JSON`, detail: "Open the reconciliation.json that rashomon reconcile wrote." });
      return;
    }
    // A batch line or a job wraps the document: show the document itself.
    for (const key of ["reconciliation", "result"]) if (rec && rec[key] && rec[key].sources) rec = rec[key];
    const problem = resultProblem(rec);
    if (problem) {
      showProblem({ title: `${file.name} is not a reconciliation`, detail: problem });
      return;
    }
    try {
      await render(rec, `Opened ${file.name}`);
    } catch (err) {
      showProblem(err.problem || { title: `${file.name} could not be shown`, detail: String(err) });
      return;
    }
    $("#status").hidden = true;
    announce(`Opened ${file.name}.`);
  }

  function resultProblem(rec) {
    if (!rec || typeof rec !== "object") return "The file holds no object.";
    for (const key of ["sources", "accounts", "groups", "summary"]) {
      if (!(key in rec)) return `It has no "${key}". Open the reconciliation.json that rashomon reconcile wrote.`;
    }
    return null;
  }

  // ------------------------------------------------------------------ status, progress and problems

  let lastAnnounced = "";

  function announce(text) {
    // The live region: only meaningful changes, never a stream of numbers.
    if (text === lastAnnounced) return;
    lastAnnounced = text;
    $("#status-text").textContent = text;
  }

  function showStatus(text, percent) {
    $("#status").hidden = false;
    if (text !== undefined) announce(text);
    if (percent !== undefined) {
      const p = Math.max(0, Math.min(100, percent));
      $("#progress-fill").style.width = `${p}%`;
      $("#progress").setAttribute("aria-valuenow", String(Math.round(p)));
    }
  }

  function showProblem(problem) {
    const box = $("#problem");
    $("#status").hidden = false;
    box.hidden = false;
    box.replaceChildren();
    box.append(el("strong", {}, problem.title || "Something went wrong"), "\n", problem.detail || "");
    if (problem.setting) box.append("\n", `Setting: ${problem.setting}`);
  }

  function clearProblem() {
    $("#problem").hidden = true;
    $("#problem").replaceChildren();
  }

  async function problemOf(res) {
    try {
      return await res.json();
    } catch (_) {
      return { status: res.status, title: res.statusText, detail: "" };
    }
  }

  // One bar across all steps. Each step reports its own done/total, so the overall fraction
  // gives each step a share: reading the articles (most calls) 70%, comparing 18%, the
  // double-check 4%, the summary 8%. The ETA is the elapsed time scaled by what is left.
  function makeEstimator(nSources) {
    const accounts = {};
    let best = 0;
    const started = Date.now();
    return function (d) {
      const part = d.total ? d.done / d.total : 1;
      let f;
      if (d.step === "accounts") {
        accounts[d.source_id || "_"] = part;
        const n = Math.max(nSources, Object.keys(accounts).length, 1);
        f = (0.7 * Object.values(accounts).reduce((a, b) => a + b, 0)) / n;
      } else if (d.step === "alignment") f = 0.7 + 0.18 * part;
      else if (d.step === "alignment-check") f = 0.88 + 0.04 * part;
      else if (d.step === "summary") f = 0.92 + 0.08 * part;
      else f = best;
      best = Math.max(best, Math.min(f, 1));
      const elapsed = (Date.now() - started) / 1000;
      let eta = null;
      if (best >= 0.03 && elapsed >= 3 && best < 1) eta = (elapsed * (1 - best)) / best;
      return { fraction: best, eta };
    };
  }

  function etaText(seconds) {
    if (seconds === null) return "";
    if (seconds < 45) return "less than a minute left";
    const min = Math.round(seconds / 60);
    return min <= 1 ? "about a minute left" : `about ${min} minutes left`;
  }

  // ------------------------------------------------------------------ running a job

  let estimate = makeEstimator(2);

  async function run() {
    clearProblem();
    const articles = collectArticles();
    if (articles.length < 2) {
      showProblem({ title: "Two or more articles are needed", detail: "Paste or load at least two articles about the same event." });
      return;
    }
    $("#run").disabled = true;
    $("#result").hidden = true;
    estimate = makeEstimator(articles.length);
    showStatus("Sending the articles…", 0);
    try {
      const res = await fetch("/v1/reconciliations?wait=false", {
        method: "POST", headers: headers(true), body: JSON.stringify({ articles }),
      });
      if (res.status !== 202 && res.status !== 200) {
        showStatus("The server did not accept the articles.", 0);
        showProblem(await problemOf(res));
        return;
      }
      const job = await res.json();
      await followJob(job.id);
    } catch (err) {
      showProblem({ title: "The server cannot be reached", detail: String(err) });
    } finally {
      $("#run").disabled = false;
    }
  }

  function parseEvent(chunk) {
    let event = "message";
    const data = [];
    for (const line of chunk.split("\n")) {
      if (!line || line.startsWith(":")) continue;
      const i = line.indexOf(":");
      const field = i < 0 ? line : line.slice(0, i);
      const value = i < 0 ? "" : line.slice(i + 1).replace(/^ /, "");
      if (field === "event") event = value;
      else if (field === "data") data.push(value);
    }
    if (!data.length) return null;
    return { event, data: JSON.parse(data.join("\n")) };
  }

  async function followJob(jobId) {
    $("#job-id").value = jobId;
    history.replaceState(null, "", `#job=${encodeURIComponent(jobId)}`);
    showStatus("Waiting for the model…", 0);
    for (let attempt = 0; attempt < 30; attempt++) {
      const final = await streamEvents(jobId);
      if (final === "done") return loadJob(jobId);
      if (final === "failed") return;
      await new Promise((r) => setTimeout(r, 1000)); // stream cut or server restarting
    }
    return loadJob(jobId);
  }

  function onProgress(d) {
    const { fraction, eta } = estimate(d);
    const pct = Math.round(fraction * 100);
    const step = STEPS[d.step] || "Working";
    // Announce the step, every 10%, and the ETA in whole minutes; the bar moves on every event.
    const text = `${step}… ${Math.floor(pct / 10) * 10}% done${eta !== null ? `, ${etaText(eta)}` : ""}.`;
    showStatus(text, fraction * 100);
  }

  async function streamEvents(jobId) {
    let res;
    try {
      res = await fetch(`/v1/reconciliations/${encodeURIComponent(jobId)}/events`, { headers: headers(false) });
    } catch (_) {
      return null;
    }
    if (!res.ok) {
      showProblem(await problemOf(res));
      return "failed";
    }
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buf = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return null;
      buf += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buf.indexOf("\n\n")) >= 0) {
        const ev = parseEvent(buf.slice(0, cut));
        buf = buf.slice(cut + 2);
        if (!ev) continue;
        const d = ev.data;
        if (ev.event === "status") {
          if (d.progress) onProgress(d.progress);
          else showStatus(d.status === "running" ? "Reading each article…" : "Waiting for the model…");
        } else if (ev.event === "progress") {
          onProgress(d);
        } else if (ev.event === "done") {
          showStatus("Done.", 100);
          return "done";
        } else if (ev.event === "failed") {
          showStatus("The run failed.", 100);
          showProblem(d.error || { title: "The run failed" });
          return "failed";
        } else if (ev.event === "shutdown") {
          showStatus("The server is restarting; reconnecting…");
          return null;
        }
      }
    }
  }

  async function loadJob(jobId) {
    const res = await fetch(`/v1/reconciliations/${encodeURIComponent(jobId)}`, { headers: headers(false) });
    if (!res.ok) {
      showProblem(await problemOf(res));
      return;
    }
    const job = await res.json();
    if (job.status === "done" && job.result) {
      showStatus("Done.", 100);
      try {
        await render(job.result, `Run ${jobId}`);
      } catch (err) {
        showProblem(err.problem || { title: "The result could not be shown", detail: String(err) });
      }
    } else if (job.status === "failed") {
      showStatus("The run failed.", 100);
      showProblem(job.error || { title: "The run failed" });
    } else {
      return followJob(jobId);
    }
  }

  // ------------------------------------------------------------------ rendering

  // The result is rendered by the server from the same template as reconciliation.html
  // (POST /v1/render), so the viewer and the standalone page show the same text. The HTML is
  // parsed inert (DOMParser runs no script; the CSP forbids inline script and style anyway)
  // and the server escapes all article and model text.
  async function render(rec, origin) {
    const res = await fetch("/v1/render", { method: "POST", headers: headers(true), body: JSON.stringify(rec) });
    if (!res.ok) {
      const problem = await problemOf(res);
      const err = new Error(problem.detail || problem.title || `HTTP ${res.status}`);
      err.problem = problem;
      throw err;
    }
    const doc = new DOMParser().parseFromString(await res.text(), "text/html");
    const root = doc.getElementById("result-root");
    if (!root) throw new Error("the server sent no result");
    const box = $("#result-body");
    box.replaceChildren(document.adoptNode(root));
    // Bar widths come as data: the CSP forbids inline style attributes, not the CSSOM.
    for (const seg of box.querySelectorAll("[data-pct]")) seg.style.width = `${seg.dataset.pct}%`;
    document.title = `${root.dataset.title} · Rashomon`;
    // On a phone the articles start folded, as on reconciliation.html.
    if (window.matchMedia("(max-width: 600px)").matches) for (const d of box.querySelectorAll("details.atext")) d.open = false;
    const nClaims = rec.accounts.reduce((n, a) => n + a.claims.length + a.editorial.length, 0);
    $("#result-meta").textContent = `${origin} · ${plural(rec.sources.length, "source")} · ${plural(nClaims, "claim")} · ` +
      `${plural(rec.groups.length, "point")} · model ${rec.model} (${rec.backend})`;

    // The result takes the screen: the form folds away (one click to reopen it).
    $("#input-panel").open = false;
    $("#result").hidden = false;
    const title = $("#result-title");
    title.setAttribute("tabindex", "-1");
    title.focus({ preventScroll: true });
    $("#result").scrollIntoView({ block: "start" });
  }

  // Following a link to evidence opens the closed sections around it and focuses the highlight.
  function followHash() {
    const id = decodeURIComponent(location.hash.slice(1));
    const target = id && !id.startsWith("job=") ? document.getElementById(id) : null;
    if (!target) return;
    for (let d = target.closest("details"); d; d = d.parentElement.closest("details")) d.open = true;
    target.scrollIntoView();
    if (target.tagName === "MARK") target.focus({ preventScroll: true });
  }

  // ------------------------------------------------------------------ drag and drop

  function initDrop() {
    const overlay = $("#drop-overlay");
    let depth = 0;
    const hasFiles = (e) => e.dataTransfer && [...e.dataTransfer.types].includes("Files");
    document.addEventListener("dragenter", (e) => {
      if (!hasFiles(e)) return;
      depth += 1;
      overlay.hidden = false;
    });
    document.addEventListener("dragleave", () => {
      depth = Math.max(0, depth - 1);
      if (!depth) overlay.hidden = true;
    });
    document.addEventListener("dragover", (e) => {
      if (hasFiles(e)) e.preventDefault();
    });
    document.addEventListener("drop", (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      overlay.hidden = true;
      loadFiles(e.dataTransfer.files);
    });
  }

  // ------------------------------------------------------------------ wiring

  function init() {
    const key = sessionStorage.getItem("rashomon-api-key");
    if (key) $("#api-key").value = key;
    $("#api-key").addEventListener("change", () => sessionStorage.setItem("rashomon-api-key", $("#api-key").value));
    addArticle();
    addArticle();
    $("#add-article").addEventListener("click", () => addArticle().querySelector("[name=outlet]").focus());
    $("#load-files").addEventListener("click", () => $("#files").click());
    $("#files").addEventListener("change", (e) => { loadFiles(e.target.files); e.target.value = ""; });
    $("#open-result").addEventListener("click", () => $("#result-file").click());
    $("#result-file").addEventListener("change", (e) => { if (e.target.files[0]) openResultFile(e.target.files[0]); e.target.value = ""; });
    $("#run").addEventListener("click", run);
    // The result's checkbox arrives with each render: listen on the document.
    document.addEventListener("change", (e) => {
      if (e.target && e.target.id === "show-tags") document.body.classList.toggle("hide-tags", !e.target.checked);
    });
    window.addEventListener("hashchange", followHash);
    $("#open-job").addEventListener("click", () => {
      const id = $("#job-id").value.trim();
      if (id) { clearProblem(); loadJob(id); }
    });
    initDrop();
    const m = location.hash.match(/^#job=([A-Za-z0-9_-]+)$/);
    if (m) loadJob(m[1]);
  }

  document.addEventListener("DOMContentLoaded", init);
})();
