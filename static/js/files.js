// The record page's uploader: Uppy's dashboard over tus (resumable; pause/resume; per-file errors).
// After every file is in, the page reloads to list the new files with their checksums.
(function () {
  "use strict";
  function start() {
    var box = document.getElementById("file-uploader");
    if (!box || !window.Uppy) { return; }
    var ja = box.dataset.language === "ja" && Uppy.locales && Uppy.locales.ja_JP;
    var uppy = new Uppy.Uppy({
      autoProceed: false,
      locale: ja || undefined,
      restrictions: { maxFileSize: Number(box.dataset.maxFileSize) },
    });
    uppy.use(Uppy.Dashboard, {
      inline: true, target: box, height: 320, proudlyDisplayPoweredByUppy: false,
      note: box.dataset.note, showRemoveButtonAfterComplete: false,
    });
    uppy.use(Uppy.Tus, {
      endpoint: box.dataset.endpoint,
      headers: { "X-CSRFToken": box.dataset.csrf },
      chunkSize: Number(box.dataset.chunkSize),
      retryDelays: [0, 1000, 3000, 5000, 10000],
      removeFingerprintOnSuccess: true,
      allowedMetaFields: ["filename"],
    });
    uppy.on("file-added", function (file) { uppy.setFileMeta(file.id, { filename: file.name }); });
    // Show the server's own message (too large, name taken, frozen record) rather than tus' wrapper text.
    uppy.on("upload-error", function (file, error, response) {
      var text = error && error.originalResponse ? error.originalResponse.getBody() : "";
      try { text = JSON.parse(text).detail || text; } catch (ignored) { /* not JSON */ }
      if (text) { uppy.setFileState(file.id, { error: text }); uppy.info(file.name + ": " + text, "error", 8000); }
    });
    uppy.on("complete", function (result) {
      if (result.successful.length && !result.failed.length) { window.location.reload(); }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
