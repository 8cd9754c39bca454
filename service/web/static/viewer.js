// Rashomon viewer: submit articles, follow the job's progress (server-sent events read with
// fetch, so the API key header can be sent), render the reconciliation.
// All article and model text goes into the page through textContent / createTextNode only.
"use strict";

(function () {
  const $ = (sel) => document.querySelector(sel);
  const KINDS = {
    reported_fact: "reported fact",
    attributed_claim: "attributed claim",
    denial: "denial",
    opinion: "opinion / framing",
    background: "background",
  };

  // ------------------------------------------------------------------ small helpers

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined) continue;
      if (k === "class") node.className = v;
      else node.setAttribute(k, String(v));
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
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
    fs.querySelector("legend").textContent = `Article ${articleCount}`;
    for (const name of ["outlet", "title", "url", "text"]) {
      if (values && values[name]) fs.querySelector(`[name=${name}]`).value = values[name];
    }
    fs.querySelector(".remove").addEventListener("click", () => fs.remove());
    $("#articles").append(frag);
  }

  function collectArticles() {
    const out = [];
    for (const fs of document.querySelectorAll("#articles fieldset.article")) {
      const text = fs.querySelector("[name=text]").value;
      if (!text.trim()) continue;
      const article = { text };
      for (const name of ["outlet", "title", "url"]) {
        const v = fs.querySelector(`[name=${name}]`).value.trim();
        if (v) article[name] = v;
      }
      out.push(article);
    }
    return out;
  }

  async function loadFiles(files) {
    // Replace empty article boxes first, then append.
    const empty = [...document.querySelectorAll("#articles fieldset.article")].filter(
      (fs) => !fs.querySelector("[name=text]").value.trim()
    );
    for (const file of files) {
      const text = await file.text();
      const outlet = file.name.replace(/\.[^.]+$/, "");
      const fs = empty.shift();
      if (fs) {
        fs.querySelector("[name=text]").value = text;
        fs.querySelector("[name=outlet]").value = outlet;
      } else {
        addArticle({ text, outlet });
      }
    }
  }

  // ------------------------------------------------------------------ status and problems

  function showStatus(text, percent) {
    $("#status").hidden = false;
    $("#status-text").textContent = text;
    if (percent !== undefined) $("#progress-fill").style.width = `${Math.max(0, Math.min(100, percent))}%`;
  }

  function showProblem(problem) {
    const box = $("#problem");
    box.hidden = false;
    box.replaceChildren();
    box.append(el("strong", {}, `${problem.status || ""} ${problem.title || "Error"}`), "\n",
      problem.detail || "");
    if (problem.setting) box.append("\n", `Setting: ${problem.setting}`);
    if (problem.backend) box.append("\n", `Backend: ${problem.backend}`);
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

  // ------------------------------------------------------------------ running a job

  async function run() {
    clearProblem();
    const articles = collectArticles();
    if (articles.length < 2) {
      showStatus("");
      showProblem({ title: "Need two or more articles", detail: "Paste or load at least two articles about the same event." });
      return;
    }
    $("#run").disabled = true;
    $("#result").hidden = true;
    showStatus("Submitting…", 0);
    try {
      const res = await fetch("/v1/reconciliations?wait=false", {
        method: "POST", headers: headers(true), body: JSON.stringify({ articles }),
      });
      if (res.status !== 202 && res.status !== 200) {
        showStatus("Request rejected.", 0);
        showProblem(await problemOf(res));
        return;
      }
      const job = await res.json();
      await followJob(job.id);
    } catch (err) {
      showProblem({ title: "Network error", detail: String(err) });
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
    showStatus(`Job ${jobId}: queued`, 0);
    for (let attempt = 0; attempt < 30; attempt++) {
      const final = await streamEvents(jobId);
      if (final === "done") return loadJob(jobId);
      if (final === "failed") return;
      await new Promise((r) => setTimeout(r, 1000)); // stream cut or server restarting
    }
    return loadJob(jobId);
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
          showStatus(`Job ${jobId}: ${d.status}`, d.progress ? d.progress.percent : 0);
        } else if (ev.event === "progress") {
          const where = d.source_id ? ` ${d.source_id}` : "";
          showStatus(`Job ${jobId}: ${d.step}${where} ${d.done}/${d.total} (${Math.round(d.percent)}%)`, d.percent);
        } else if (ev.event === "done") {
          showStatus(`Job ${jobId}: done`, 100);
          return "done";
        } else if (ev.event === "failed") {
          showStatus(`Job ${jobId}: failed`, 100);
          showProblem(d.error || { title: "Job failed" });
          return "failed";
        } else if (ev.event === "shutdown") {
          showStatus(`Job ${jobId}: server restarting, reconnecting…`);
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
      showStatus(`Job ${jobId}: done`, 100);
      render(job.result, jobId);
    } else if (job.status === "failed") {
      showStatus(`Job ${jobId}: failed`, 100);
      showProblem(job.error || { title: "Job failed" });
    } else {
      return followJob(jobId);
    }
  }

  // ------------------------------------------------------------------ rendering

  function render(rec, jobId) {
    const sources = Object.fromEntries(rec.sources.map((s) => [s.source_id, s]));
    const claims = {};
    for (const acc of rec.accounts) for (const c of [...acc.claims, ...acc.editorial]) claims[c.claim_id] = c;
    const groups = Object.fromEntries(rec.groups.map((g) => [g.group_id, g]));
    const outlet = (sid) => (sources[sid] ? sources[sid].outlet : sid);

    $("#result-meta").textContent = `Job ${jobId} · ${rec.sources.length} sources · ` +
      `${Object.keys(claims).length} claims · ${rec.groups.length} groups · backend ${rec.backend} (${rec.model})`;

    // Citation numbers, in order of first use in the summary.
    const numbers = {};
    const citeLink = (cid) => {
      const c = claims[cid];
      if (!(cid in numbers)) numbers[cid] = Object.keys(numbers).length + 1;
      const ev = c && c.evidence[0];
      const href = ev ? `#${spanId(c.source_id, ev.start, ev.end)}` : "#";
      const title = c ? `${cid} · ${outlet(c.source_id)} · ${c.asserter.name}: ${c.statement}` : cid;
      return el("a", { class: "cite", href, title, "data-claim": cid }, `[${numbers[cid]}]`);
    };
    const claimLink = (cid) => {
      const c = claims[cid];
      const ev = c && c.evidence[0];
      const href = ev ? `#${spanId(c.source_id, ev.start, ev.end)}` : "#";
      return el("a", { href, class: "claim-ref", title: c ? c.statement : "" }, cid);
    };

    // Summary.
    const summary = $("#summary");
    summary.replaceChildren();
    for (const s of rec.summary.sentences) {
      const li = el("li", { class: `summary-sentence ${s.kind}` }, el("span", { class: `badge ${s.kind}` }, s.kind), s.text);
      for (const cid of s.claim_ids) li.append(citeLink(cid));
      summary.append(li);
    }
    const note = $("#summary-note");
    note.hidden = !rec.summary.note;
    note.textContent = rec.summary.note || "";

    // Disputes table.
    const disputes = rec.groups.filter((g) => g.status === "disputed");
    const box = $("#disputes");
    box.replaceChildren();
    if (!disputes.length) {
      box.append(el("p", { class: "meta" }, "No disputed points."));
    } else {
      const table = el("table", { id: "disputes-table" },
        el("thead", {}, el("tr", {}, el("th", {}, "Point"), el("th", {}, "Version"),
          el("th", {}, "Held by"), el("th", {}, "Sources"), el("th", {}, "Claims"))));
      const body = el("tbody");
      for (const g of disputes) {
        g.sides.forEach((side, i) => {
          const tr = el("tr");
          if (i === 0) tr.append(el("td", { rowspan: g.sides.length }, g.point));
          const refs = el("td");
          side.claim_ids.forEach((cid, k) => { if (k) refs.append(" "); refs.append(claimLink(cid)); });
          tr.append(el("td", {}, side.version), el("td", {}, side.holders.join("; ")),
            el("td", {}, side.source_ids.map(outlet).join(", ")), refs);
          body.append(tr);
        });
      }
      table.append(body);
      box.append(table);
    }

    // Agreed points.
    const agreed = $("#agreed");
    agreed.replaceChildren();
    const agreedGroups = rec.groups.filter((g) => g.status === "agreed");
    if (!agreedGroups.length) agreed.append(el("li", { class: "meta" }, "No point is reported alike by two or more sources."));
    for (const g of agreedGroups) {
      agreed.append(el("li", {}, g.point, el("span", { class: "meta" }, ` — ${g.source_ids.map(outlet).join(", ")}`)));
    }

    // Omissions.
    const om = $("#omissions");
    om.replaceChildren();
    for (const acc of rec.accounts) {
      const ul = el("ul", { class: "omits" });
      for (const gid of acc.omits) {
        const g = groups[gid];
        if (!g) continue;
        ul.append(el("li", {}, g.point, el("span", { class: "meta" }, ` (reported by ${g.source_ids.map(outlet).join(", ")})`)));
      }
      if (!acc.omits.length) ul.append(el("li", { class: "meta" }, "Nothing the other sources report."));
      om.append(el("h3", {}, acc.outlet), ul);
    }

    // Legend.
    const legend = $("#legend");
    legend.replaceChildren("Highlights: ");
    for (const [kind, label] of Object.entries(KINDS)) {
      legend.append(el("mark", { class: `ev swatch kind-${kind}` }, label));
    }
    legend.append(el("span", { class: "quote swatch" }, "direct quote"), " Hover a highlight for who asserts what.");

    // Articles side by side.
    const grid = $("#sources");
    grid.replaceChildren();
    grid.style.gridTemplateColumns = `repeat(${rec.accounts.length}, minmax(320px, 1fr))`;
    for (const acc of rec.accounts) grid.append(renderSource(sources[acc.source_id], acc));

    // Warnings.
    $("#warnings-box").hidden = !rec.warnings.length;
    const wl = $("#warnings");
    wl.replaceChildren(...rec.warnings.map((w) => el("li", {}, `${w.step}${w.source_id ? " " + w.source_id : ""}: ${w.message}`)));

    $("#result").hidden = false;
  }

  function renderSource(src, acc) {
    const chars = Array.from(src.text);
    const marks = new Map();
    const mark = (start, end) => {
      const key = `${start}:${end}`;
      if (!marks.has(key)) marks.set(key, { start, end, claims: [], quotes: [] });
      return marks.get(key);
    };
    for (const c of [...acc.claims, ...acc.editorial]) {
      for (const ev of c.evidence) if (ev.end > ev.start) mark(ev.start, ev.end).claims.push(c);
    }
    for (const q of acc.quotes) if (q.end > q.start) mark(q.start, q.end).quotes.push(q);
    const ordered = [...marks.values()].sort((a, b) => a.start - b.start || b.end - a.end);

    const text = el("div", { class: "text", id: `text-${safeId(src.source_id)}` });
    const stack = [{ node: text, end: chars.length }];
    let pos = 0;
    const emit = (upto) => {
      if (upto > pos) {
        stack[stack.length - 1].node.append(document.createTextNode(chars.slice(pos, upto).join("")));
        pos = upto;
      }
    };
    for (const m of ordered) {
      while (stack.length > 1 && stack[stack.length - 1].end <= m.start) {
        emit(stack[stack.length - 1].end);
        stack.pop();
      }
      emit(m.start);
      const end = Math.min(m.end, stack[stack.length - 1].end); // crossing spans are clipped
      const lines = [];
      for (const c of m.claims) {
        lines.push(`${c.claim_id} · ${KINDS[c.kind] || c.kind} · asserted by ${c.asserter.name} (${c.asserter.kind.replace("_", " ")}): ${c.statement}`);
      }
      for (const q of m.quotes) lines.push(`Quote ${q.quote_id}${q.speaker ? ` — ${q.speaker}` : ""}`);
      const classes = [];
      if (m.claims.length) classes.push("ev", `kind-${m.claims[0].kind}`);
      if (m.quotes.length) classes.push("quote");
      const node = el("mark", {
        class: classes.join(" "),
        title: lines.join("\n"),
        id: end === m.end ? spanId(src.source_id, m.start, m.end) : null,
        "data-claims": m.claims.map((c) => c.claim_id).join(" ") || null,
        "data-quotes": m.quotes.map((q) => q.quote_id).join(" ") || null,
      });
      stack[stack.length - 1].node.append(node);
      stack.push({ node, end });
    }
    while (stack.length > 1) {
      emit(stack[stack.length - 1].end);
      stack.pop();
    }
    emit(chars.length);

    const meta = [src.published, src.url].filter(Boolean).join(" · ");
    return el("article", { class: "source", id: `source-${safeId(src.source_id)}` },
      el("h3", {}, `${src.source_id} · ${src.outlet}`),
      src.title ? el("p", { class: "meta" }, src.title) : null,
      meta ? el("p", { class: "meta" }, meta) : null,
      el("p", { class: "meta" }, `${acc.claims.length} claims, ${acc.editorial.length} editorial, ${acc.quotes.length} quotes`),
      text);
  }

  // ------------------------------------------------------------------ wiring

  function init() {
    const key = sessionStorage.getItem("rashomon-api-key");
    if (key) $("#api-key").value = key;
    $("#api-key").addEventListener("change", () => sessionStorage.setItem("rashomon-api-key", $("#api-key").value));
    addArticle();
    addArticle();
    $("#add-article").addEventListener("click", () => addArticle());
    $("#files").addEventListener("change", (e) => loadFiles(e.target.files));
    $("#run").addEventListener("click", run);
    $("#open-job").addEventListener("click", () => {
      const id = $("#job-id").value.trim();
      if (id) { clearProblem(); loadJob(id); }
    });
    const m = location.hash.match(/^#job=([A-Za-z0-9_-]+)$/);
    if (m) loadJob(m[1]);
  }

  document.addEventListener("DOMContentLoaded", init);
})();
