// Name the rich text editor's menu items in the staff member's language: the editor draws
// them in English, in tooltips, in what a screen reader says and in its block-type list.
// staff/templatetags/rich_text_editor.py writes the words, the editor's own to ours. The
// editor draws its menu after this runs, and draws the block-type button again as the cursor
// moves, so each change to the page is looked at.
(function () {
  "use strict";

  const source = document.getElementById("rich-text-editor-labels");
  if (!source) {
    return;
  }
  const labels = JSON.parse(source.textContent);

  function relabel(root) {
    root.querySelectorAll(".prose-menubar [title], .prose-menubar [aria-label]").forEach(
      function (element) {
        ["title", "aria-label"].forEach(function (attribute) {
          const current = element.getAttribute(attribute);
          const label = labels[current];
          // Only a change: setting a word again is a change to the page, looked at again.
          if (label && label !== current) {
            element.setAttribute(attribute, label);
          }
        });
      }
    );
    root.querySelectorAll(".prose-menubar__option > *").forEach(function (element) {
      const label = labels[element.textContent];
      if (label && label !== element.textContent && element.children.length === 0) {
        element.textContent = label;
      }
    });
  }

  function start() {
    relabel(document);
    new MutationObserver(function () {
      relabel(document);
    }).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ["title", "aria-label"],
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
