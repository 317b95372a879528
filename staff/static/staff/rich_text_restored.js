// Show in the rich text editor what the browser kept of a form it comes back to.
//
// Back on a form (after a page that refused it: a text too large for the site to read), the
// browser puts back what was typed in each field, the editor's hidden text area included, but
// only after the editor has drawn itself from that area still empty: staff saw an empty text,
// and what they then typed replaced the one the browser had kept. Once the page is shown, an
// editor whose text area holds another text than its own takes that text.
(function () {
  "use strict";

  const editors = new Map(); // text area → its editor
  let shown = false;

  function showKeptText(textarea, editor) {
    if (textarea.value && textarea.value !== editor.getHTML()) {
      editor.commands.setContent(textarea.value, { emitUpdate: false });
    }
  }

  document.addEventListener("prose-editor:ready", function (event) {
    editors.set(event.detail.textarea, event.detail.editor);
    if (shown) {
      // Drawn after the page was shown: from its text area as the browser left it, but a
      // second look costs nothing.
      showKeptText(event.detail.textarea, event.detail.editor);
    }
  });

  window.addEventListener("pageshow", function () {
    shown = true;
    editors.forEach(function (editor, textarea) {
      showKeptText(textarea, editor);
    });
  });
})();
