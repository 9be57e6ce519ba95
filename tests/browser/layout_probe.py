"""What "usable at 390 px" means, measured in the page: nothing wider than the viewport, and
no text squeezed to one character per line (a table cell or column too narrow for its words)."""
from __future__ import annotations

# Returns {"scrollWidth", "viewport", "squeezed": [...], "wide": [...]}: `squeezed` lists
# text runs of 2+ characters laid out on as many lines as they have characters (or table
# cells with text narrower than 2em); `wide` lists visible elements reaching past the right edge.
PROBE = r"""
() => {
  const viewport = document.documentElement.clientWidth;
  const describe = (el) => {
    const cls = (el.className && typeof el.className === "string") ? "." + el.className.trim().split(/\s+/).join(".") : "";
    return el.tagName.toLowerCase() + cls;
  };
  const visible = (el) => {
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") return false;
    if (el.closest("[hidden], .sr-only, thead, details:not([open]) > :not(summary)")) return false;
    const rect = el.getBoundingClientRect();
    return rect.width > 0 && rect.height > 0;
  };
  const squeezed = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.replace(/\s+/g, "");
    const parent = node.parentElement;
    if (text.length < 2 || !parent || !visible(parent)) continue;
    if (["SCRIPT", "STYLE", "OPTION", "TEXTAREA"].includes(parent.tagName)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const tops = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
    if (tops.size > 1 && text.length / tops.size < 2) {
      squeezed.push(describe(parent) + ": " + text.slice(0, 20) + " (" + tops.size + " lines)");
    }
  }
  for (const cell of document.querySelectorAll("td, th")) {
    if (!visible(cell) || cell.innerText.trim().length < 2) continue;
    const em = parseFloat(getComputedStyle(cell).fontSize);
    if (cell.getBoundingClientRect().width < 2 * em) {
      squeezed.push(describe(cell) + ": narrow cell " + cell.innerText.trim().slice(0, 20));
    }
  }
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (!visible(el)) continue;
    const rect = el.getBoundingClientRect();
    if (rect.right > viewport + 1) {
      let clipped = false;
      for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
        const overflow = getComputedStyle(up).overflowX;
        if (overflow !== "visible" && up.getBoundingClientRect().right <= viewport + 1) { clipped = true; break; }
      }
      if (!clipped) wide.push(describe(el) + " right=" + Math.round(rect.right));
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, viewport, squeezed, wide: wide.slice(0, 10)};
}
"""
