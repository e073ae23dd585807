// The evaluation worker's first script (see src/evaluator.rs), a module worker. It imports the
// page's own wasm-bindgen glue, named in its query (`?glue=URL`: the glue's name is hashed per
// build, which also keeps a cached copy of this file from outliving the page it came with), and
// starts it with the compiled module the page sends as the first message, so nothing is
// downloaded or compiled twice. A file rather than a blob: URL, so that the page's
// Content-Security-Policy needs no `worker-src blob:`.
const glue = new URL(new URLSearchParams(self.location.search).get('glue') ?? '', self.location.href);
self.onmessage = async (event) => {
  self.onmessage = null;
  try {
    // Only this site's glue: the query must not be able to make the worker run other code.
    if (glue.origin !== self.location.origin) throw new Error(`${glue} is not on this site`);
    const bindings = await import(glue.href);
    await bindings.default({ module_or_path: event.data });
    bindings.worker_main();
  } catch (error) {
    self.postMessage({ kind: 'unavailable', message: String(error) });
  }
};
