// Rashomon viewer: submit articles, follow the run's progress (server-sent events read with
// fetch, so the API key header can be sent), or open a saved reconciliation.json; then render
// the result overview first (coverage, disputes, the view from each party, articles).
// All article and model text goes into the page through textContent / createTextNode only.
"use strict";

(function () {
  const $ = (sel) => document.querySelector(sel);
  const KINDS = {
    reported_fact: ["reported fact", "■"],
    attributed_claim: ["attributed claim", "◆"],
    denial: ["denial", "✕"],
    opinion: ["opinion / framing", "★"],
    background: ["background", "○"],
  };
  const STEPS = {
    accounts: "Reading each article",
    alignment: "Comparing claims across outlets",
    "alignment-check": "Double-checking the disagreements",
    summary: "Writing the neutral summary",
  };
  const OUTLET_VOICE = "the outlet";
  const MAX_PARTIES = 8;
  const MAX_PARTY_CLAIMS = 6;

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

  function safeId(s) {
    return String(s).replace(/[^A-Za-z0-9_-]/g, "_");
  }

  // Offsets are Python string indices (code points): slice by code point, not UTF-16 unit.
  function spanId(sourceId, start, end) {
    return `span-${safeId(sourceId)}-${start}-${end}`;
  }

  function plural(n, word) {
    return `${n} ${word}${n === 1 ? "" : "s"}`;
  }

  function joinNames(names) {
    const uniq = [...new Set(names)];
    if (uniq.length <= 2) return uniq.join(" and ");
    return `${uniq.slice(0, -1).join(", ")} and ${uniq[uniq.length - 1]}`;
  }

  function isOutletVoice(name, kind) {
    return kind === "outlet" || [OUTLET_VOICE, "outlet"].includes(String(name).trim().toLowerCase());
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
    const problem = resultProblem(rec);
    if (problem) {
      showProblem({ title: `${file.name} is not a reconciliation`, detail: problem });
      return;
    }
    try {
      render(rec, `Opened ${file.name}`);
    } catch (err) {
      showProblem({ title: `${file.name} could not be shown`, detail: String(err) });
      return;
    }
    $("#status").hidden = true;
    announce(`Opened ${file.name}.`);
  }

  function resultProblem(rec) {
    if (!rec || typeof rec !== "object") return "The file holds no object.";
    // A batch line or a job wraps the document.
    for (const key of ["reconciliation", "result"]) if (rec[key] && rec[key].sources) Object.assign(rec, rec[key]);
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
      render(job.result, `Run ${jobId}`);
    } else if (job.status === "failed") {
      showStatus("The run failed.", 100);
      showProblem(job.error || { title: "The run failed" });
    } else {
      return followJob(jobId);
    }
  }

  // ------------------------------------------------------------------ rendering

  function outletLabels(sources) {
    const counts = {};
    for (const s of sources) counts[s.outlet] = (counts[s.outlet] || 0) + 1;
    return Object.fromEntries(sources.map((s) => [s.source_id, counts[s.outlet] > 1 ? `${s.outlet} (${s.source_id})` : s.outlet]));
  }

  function kindTag(kind) {
    const [label, shape] = KINDS[kind] || [kind, "•"];
    return el("span", { class: `kindtag kind-${kind}` }, el("span", { class: "shape", "aria-hidden": "true" }, shape), ` ${label}`);
  }

  function render(rec, origin) {
    const sources = Object.fromEntries(rec.sources.map((s) => [s.source_id, s]));
    const labels = outletLabels(rec.sources);
    const outlet = (sid) => labels[sid] || sid;
    const claims = {};
    for (const acc of rec.accounts) for (const c of [...acc.claims, ...acc.editorial]) claims[c.claim_id] = c;
    const groups = Object.fromEntries(rec.groups.map((g) => [g.group_id, g]));
    const hrefOf = (c) => (c && c.evidence.length ? `#${spanId(c.source_id, c.evidence[0].start, c.evidence[0].end)}` : "#");

    const numbers = {};
    const citeLink = (cid) => {
      const c = claims[cid];
      if (!(cid in numbers)) numbers[cid] = Object.keys(numbers).length + 1;
      const label = c ? `citation ${numbers[cid]}: ${cid}, ${outlet(c.source_id)}, ${c.asserter.name}` : cid;
      return el("a", { class: "cite", href: hrefOf(c), "aria-label": label, title: c ? `${cid} · ${outlet(c.source_id)} · ${c.asserter.name}: ${c.statement}` : cid, "data-claim": cid }, `[${numbers[cid]}]`);
    };

    // Lead (the summary's first sentence when its kind is "lead"), standfirst and headlines.
    let sentences = rec.summary.sentences;
    const lead = $("#lead");
    lead.hidden = true;
    lead.replaceChildren();
    if (sentences.length && sentences[0].kind === "lead") {
      lead.append(sentences[0].text, ...sentences[0].claim_ids.map(citeLink));
      lead.hidden = false;
      sentences = sentences.slice(1);
    }
    const count = (status) => rec.groups.filter((g) => g.status === status).length;
    const n = rec.sources.length;
    $("#result-title").textContent = n === 1 ? "How one outlet reports it" : `How ${n} outlets report one event`;
    $("#standfirst").textContent = `${plural(n, "outlet")} compared: ${plural(count("agreed"), "point")} reported alike, ` +
      `${plural(count("disputed"), "point")} in dispute, ${plural(count("single_source"), "point")} carried by one outlet only.`;
    $("#headlines").replaceChildren(...rec.sources.filter((s) => s.title).map((s) =>
      el("li", {}, el("span", { class: "hl-outlet" }, `${outlet(s.source_id)}:`), " ", el("q", {}, s.title))));

    // Coverage bars.
    const bars = $("#bars");
    bars.replaceChildren();
    for (const acc of rec.accounts) {
      const sid = acc.source_id;
      const c = (status) => rec.groups.filter((g) => g.status === status && g.source_ids.includes(sid)).length;
      const parts = [["agreed", c("agreed"), "agreed"], ["disputed", c("disputed"), "disputed"],
        ["only", c("single_source"), "only here"], ["left", acc.omits.length, "left out"]];
      const total = parts.reduce((a, p) => a + p[1], 0) || 1;
      const bar = el("div", { class: "bar", "aria-hidden": "true" });
      for (const [cls, k] of parts) {
        if (!k) continue;
        const seg = el("span", { class: `seg ${cls}` });
        seg.style.width = `${(100 * k) / total}%`;
        bar.append(seg);
      }
      const counts = el("p", { class: "counts" }, ...parts.map(([cls, k, label]) =>
        el("span", { class: `count ${cls}` }, el("b", {}, String(k)), ` ${label}`)));
      const li = el("li", { class: "outlet-row" }, el("h4", { class: "outlet-name" }, outlet(sid)), bar, counts);
      const points = acc.omits.map((gid) => groups[gid]).filter(Boolean);
      if (points.length) {
        li.append(el("details", { class: "left-out" },
          el("summary", {}, `What ${outlet(sid)} leaves out (${points.length})`),
          el("ul", {}, ...points.map((g) => el("li", {}, g.point, el("span", { class: "meta" }, ` (reported by ${g.source_ids.map(outlet).join(", ")})`))))));
      }
      bars.append(li);
    }

    // Disputes: X says … / Y says ….
    const disputes = rec.groups.filter((g) => g.status === "disputed");
    const dl = $("#dispute-list");
    dl.replaceChildren();
    if (!disputes.length) dl.append(el("p", { class: "none" }, "No contradictions were found between the accounts."));
    for (const g of disputes) {
      const sides = el("ul", { class: "sides" });
      for (const side of g.sides) {
        const outlets = side.source_ids.map(outlet);
        const holders = side.holders.filter((h) => !isOutletVoice(h));
        let who, verb, via;
        if (holders.length) {
          who = joinNames(holders);
          verb = holders.length === 1 ? "says" : "say";
          via = outlets.length ? `as reported by ${joinNames(outlets)}` : "";
          if (holders.length < side.holders.length) via += `; ${joinNames(outlets)} also states it in its own voice`;
        } else {
          who = joinNames(outlets) || "An outlet";
          verb = outlets.length <= 1 ? "says" : "say";
          via = outlets.length <= 1 ? "in its own voice" : "in their own voice";
        }
        const viaP = el("p", { class: "via" }, via);
        if (side.claim_ids.length) viaP.append("; evidence:");
        for (const cid of side.claim_ids) {
          const c = claims[cid];
          viaP.append(" ", el("a", { href: hrefOf(c), class: "ref", "aria-label": `evidence for claim ${cid}${c ? ` in ${outlet(c.source_id)}` : ""}` }, cid));
        }
        sides.append(el("li", { class: "side" },
          el("p", {}, el("strong", { class: "who" }, who), ` ${verb}: `, el("q", {}, side.version)), viaP));
      }
      dl.append(el("article", { class: "dispute" }, el("h4", {}, g.point), sides));
    }

    // The view from each party.
    renderParties(rec, outlet, hrefOf);

    // Agreed points.
    const agreed = $("#agreed");
    agreed.replaceChildren();
    const agreedGroups = rec.groups.filter((g) => g.status === "agreed");
    if (!agreedGroups.length) agreed.append(el("li", { class: "none" }, "No point is reported alike by two or more outlets."));
    for (const g of agreedGroups) {
      agreed.append(el("li", {}, g.point, el("span", { class: "meta" }, ` — ${g.source_ids.map(outlet).join(", ")}`)));
    }

    // Legend and articles side by side.
    $("#legend").replaceChildren(...Object.keys(KINDS).map((k) => el("li", {}, kindTag(k))));
    const grid = $("#sources");
    grid.replaceChildren();
    for (const acc of rec.accounts) if (sources[acc.source_id]) grid.append(renderSource(sources[acc.source_id], acc, outlet(acc.source_id)));

    // Full summary with citations (numbered in order of first use, the lead's first).
    const summary = $("#summary");
    summary.replaceChildren();
    for (const s of sentences) {
      const li = el("li", { class: `summary-sentence ${s.kind}` }, el("span", { class: `badge ${s.kind}` }, s.kind), " ", s.text);
      for (const cid of s.claim_ids) li.append(citeLink(cid));
      summary.append(li);
    }
    const note = $("#summary-note");
    note.hidden = !rec.summary.note;
    note.textContent = rec.summary.note || "";

    // Warnings.
    $("#warnings-box").hidden = !rec.warnings || !rec.warnings.length;
    $("#warnings").replaceChildren(...(rec.warnings || []).map((w) => el("li", {}, `${w.step}${w.source_id ? " " + w.source_id : ""}: ${w.message}`)));

    $("#result-meta").textContent = `${origin} · ${plural(rec.sources.length, "source")} · ${plural(Object.keys(claims).length, "claim")} · ` +
      `${plural(rec.groups.length, "point")} · model ${rec.model} (${rec.backend})`;

    // The result takes the screen: the form folds away (one click to reopen it).
    $("#input-panel").open = false;
    $("#result").hidden = false;
    $("#result-title").setAttribute("tabindex", "-1");
    $("#result-title").focus({ preventScroll: true });
    $("#result").scrollIntoView({ block: "start" });
  }

  function partyKey(name) {
    return name.toLowerCase().split(/\s+/).join(" ").replace(/\bdefense\b/g, "defence").replace(/^the\s+/, "");
  }

  function renderParties(rec, outlet, hrefOf) {
    const byKey = {};
    const names = {};
    for (const acc of rec.accounts) {
      for (const c of acc.claims) {
        if (isOutletVoice(c.asserter.name, c.asserter.kind)) continue;
        const key = partyKey(c.asserter.name);
        (byKey[key] = byKey[key] || []).push(c);
        names[key] = names[key] || {};
        names[key][c.asserter.name] = (names[key][c.asserter.name] || 0) + 1;
      }
    }
    const inDispute = new Set();
    for (const g of rec.groups) if (g.status === "disputed") for (const s of g.sides) for (const h of s.holders) inDispute.add(partyKey(h));
    const rank = (k) => [inDispute.has(k) ? 0 : 1, -new Set(byKey[k].map((c) => c.source_id)).size, -byKey[k].length];
    const keys = Object.keys(byKey).sort((a, b) => {
      const ra = rank(a), rb = rank(b);
      for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return ra[i] - rb[i];
      return 0;
    }).slice(0, MAX_PARTIES).filter((k) => inDispute.has(k) || byKey[k].length >= 2);
    const box = $("#parties");
    box.replaceChildren();
    $("#view-from").hidden = !keys.length;
    for (const key of keys) {
      const members = byKey[key];
      const name = Object.entries(names[key]).sort((a, b) => b[1] - a[1])[0][0];
      const ul = el("ul");
      for (const c of members.slice(0, MAX_PARTY_CLAIMS)) {
        ul.append(el("li", {}, kindTag(c.kind), " ", c.statement, " ",
          el("a", { href: hrefOf(c), class: "ref" }, `${outlet(c.source_id)}, ${c.claim_id}`)));
      }
      const more = members.length - MAX_PARTY_CLAIMS;
      box.append(el("article", { class: "party" },
        el("h4", {}, `The view from ${name}`),
        el("p", { class: "meta" }, `Cited by ${[...new Set(members.map((c) => outlet(c.source_id)))].join(", ")}`),
        ul,
        more > 0 ? el("p", { class: "meta" }, `and ${more} more in the articles below.`) : null));
    }
  }

  function renderSource(src, acc, label) {
    const chars = Array.from(src.text);
    const marks = new Map();
    const mark = (start, end) => {
      const key = `${start}:${end}`;
      if (!marks.has(key)) marks.set(key, { start, end, claims: [], quotes: [] });
      return marks.get(key);
    };
    for (const c of [...acc.claims, ...acc.editorial]) {
      for (const ev of c.evidence) if (ev.end > ev.start && ev.end <= chars.length) mark(ev.start, ev.end).claims.push(c);
    }
    for (const q of acc.quotes) if (q.end > q.start && q.end <= chars.length) mark(q.start, q.end).quotes.push(q);
    const ordered = [...marks.values()].sort((a, b) => a.start - b.start || b.end - a.end);

    const text = el("div", { class: "text", id: `text-${safeId(src.source_id)}` });
    const stack = [{ node: text, end: chars.length, m: null }];
    let pending = []; // claim labels wait until the outermost highlight closes
    let pos = 0;
    const emit = (upto) => {
      if (upto > pos) {
        stack[stack.length - 1].node.append(document.createTextNode(chars.slice(pos, upto).join("")));
        pos = upto;
      }
    };
    const close = () => {
      emit(stack[stack.length - 1].end);
      const top = stack.pop();
      if (top.m && top.m.claims.length) pending.push(tags(src, top.m, top.labelId));
      if (stack.length === 1 && pending.length) {
        text.append(...pending);
        pending = [];
      }
    };
    for (const m of ordered) {
      while (stack.length > 1 && stack[stack.length - 1].end <= m.start) close();
      emit(m.start);
      const end = Math.min(m.end, stack[stack.length - 1].end); // crossing spans are clipped
      if (end <= m.start) continue;
      const classes = [];
      const labelId = `lbl-${safeId(src.source_id)}-${m.start}-${end}`;
      if (m.claims.length) classes.push("ev", `kind-${m.claims[0].kind}`);
      if (m.quotes.length) classes.push("quote");
      const speakers = m.quotes.map((q) => q.speaker).filter(Boolean);
      const node = el("mark", {
        class: classes.join(" "),
        id: end === m.end ? spanId(src.source_id, m.start, m.end) : null,
        tabindex: m.claims.length ? "0" : null,
        "aria-describedby": m.claims.length ? labelId : null,
        title: !m.claims.length && m.quotes.length ? `quote${speakers.length ? ` by ${speakers.join(", ")}` : ""}` : null,
        "data-claims": m.claims.map((c) => c.claim_id).join(" ") || null,
        "data-quotes": m.quotes.map((q) => q.quote_id).join(" ") || null,
      });
      stack[stack.length - 1].node.append(node);
      stack.push({ node, end, m, labelId });
    }
    while (stack.length > 1) close();
    emit(chars.length);

    const meta = [src.source_id, src.published, src.url].filter(Boolean).join(" · ");
    return el("article", { class: "source", id: `source-${safeId(src.source_id)}`, "aria-labelledby": `h-source-${safeId(src.source_id)}` },
      el("h4", { id: `h-source-${safeId(src.source_id)}` }, label),
      src.title ? el("p", { class: "atitle" }, src.title) : null,
      el("p", { class: "meta" }, `${meta} · ${acc.claims.length} claims, ${acc.editorial.length} editorial, ${acc.quotes.length} quotes`),
      text);
  }

  // Who the claim is credited to; with the speaker of the reported words when the result
  // carries one and it differs ("Shoigu, via Russian defence ministry").
  function whoAsserts(c, outletName) {
    const own = isOutletVoice(c.asserter.name, c.asserter.kind);
    const speaker = c.speaker && c.speaker.name ? c.speaker.name : null;
    if (speaker && partyKey(speaker) !== partyKey(c.asserter.name)) {
      return own ? speaker : `${speaker}, via ${c.asserter.name}`;
    }
    return own ? `${outletName}, in its own voice` : c.asserter.name;
  }

  function tags(src, m, labelId) {
    const box = el("span", { class: "tags", id: labelId });
    for (const c of m.claims) {
      const [label, shape] = KINDS[c.kind] || [c.kind, "•"];
      const who = whoAsserts(c, src.outlet);
      box.append(el("span", { class: `tag kind-${c.kind}` },
        el("span", { class: "shape", "aria-hidden": "true" }, shape), " ",
        el("span", { class: "cid" }, c.claim_id), ` ${label}: `,
        el("span", { class: "who" }, who)));
    }
    return box;
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
    $("#show-tags").addEventListener("change", (e) => document.body.classList.toggle("hide-tags", !e.target.checked));
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
