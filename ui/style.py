"""The page's stylesheet and its one script (served inline: the page loads nothing else)."""

CSS = """
#mitra-sources { max-height: 680px; overflow-y: auto; }
.sources .turn { display: none; }
.sources:not(.picked) .turn:last-child, .sources.picked .turn.shown { display: block; }
.sources h3 { font-size: 1em; margin: 0 0 8px; }
.sources .hint, .hint { color: var(--body-text-color-subdued); }
.source, .reader, .event { border: 1px solid var(--border-color-primary); border-radius: 8px;
          padding: 8px 12px; margin-bottom: 10px; }
.source.active { outline: 2px solid var(--color-accent); }
.source.unverified { border-style: dashed; }
.source .num { font-weight: 700; color: var(--color-accent); }
.meta, .also, .facts { color: var(--body-text-color-subdued); font-size: 0.9em; }
.facts { margin-top: 2px; }
.source .badge { background: #fde68a; color: #78350f; border-radius: 4px; padding: 0 6px;
                 margin-left: 6px; font-size: 0.85em; white-space: nowrap; }
.source .passage { margin: 8px 0; padding-left: 10px; font-size: 0.93em;
                   border-left: 3px solid var(--border-color-primary); }
.source.retrieved .passage { max-height: 160px; overflow-y: auto; }
.article { max-height: 320px; overflow-y: auto; font-size: 0.9em; padding: 6px 0; }
.event .article { max-height: 480px; }
.sources mark, .answer mark, .event mark { background: #fef08a; color: #1f2937; }
a.cite { font-weight: 700; text-decoration: none; cursor: pointer; }
a.cite.unverified { text-decoration: underline dotted; }
a.carrier { color: var(--color-accent); cursor: pointer; padding: 0; }
.reader { border-color: var(--color-accent); }
.reader-close { float: right; font-size: 0.85em; }
.answer.abstained, .notice { font-style: italic; }
.answer .removed-note { color: var(--body-text-color-subdued); font-size: 0.9em;
                       font-style: italic; }
.report.error { color: #b91c1c; }
.status-line { color: var(--body-text-color-subdued); }
.writing::after { content: ""; animation: mitra-dots 1.2s steps(4) infinite; }
@keyframes mitra-dots { 0% { content: ""; } 25% { content: "."; } 50% { content: ".."; }
                        75% { content: "..."; } }
#mitra-timeline { max-height: 560px; overflow-y: auto; }
.timeline text { font-size: 12px; fill: var(--body-text-color); }
.timeline .tick-label, .timeline .legend { fill: var(--body-text-color-subdued); }
.timeline .tick { stroke: var(--border-color-primary); stroke-dasharray: 2 3; }
.timeline .lane-line { stroke: var(--border-color-primary); }
.timeline .period { opacity: 0.25; }
.timeline .point { cursor: pointer; opacity: 0.85; stroke: white; stroke-width: 1; }
.timeline .point:hover { opacity: 1; stroke: var(--body-text-color); stroke-width: 2; }
#mitra-page { text-align: center; align-self: center; }
"""
# Clicking `[n]` in an answer shows that answer's sources and brings source n into view;
# "close" on an article opened in the panel puts it away.
HEAD = """<script>
document.addEventListener("click", (event) => {
  const close = event.target.closest ? event.target.closest("a.reader-close") : null;
  if (close) {
    event.preventDefault();
    close.closest(".reader").remove();
    return;
  }
  const link = event.target.closest ? event.target.closest("a.cite") : null;
  if (!link) return;
  event.preventDefault();
  event.stopPropagation();
  const card = document.getElementById(link.getAttribute("href").slice(1));
  if (!card) return;
  const panel = card.closest(".sources");
  panel.classList.add("picked");
  panel.querySelectorAll(".turn").forEach((t) => t.classList.toggle("shown", t.contains(card)));
  panel.querySelectorAll(".source.active").forEach((c) => c.classList.remove("active"));
  card.classList.add("active");
  card.scrollIntoView({ behavior: "smooth", block: "nearest" });
}, true);
</script>"""
