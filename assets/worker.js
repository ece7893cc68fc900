// A simulation worker (src/runner/workers.rs starts it as a module worker).
// The page posts the URL of its own JS glue and its compiled
// WebAssembly.Module: the worker runs the same module (nothing is fetched or
// compiled twice), and the module's `main` sees that it is in a worker and
// starts the message loop (src/runner/in_worker.rs), which says "Ready".
self.onmessage = async (e) => {
  self.onmessage = null;
  const { glue, module } = e.data;
  const bindings = await import(glue);
  bindings.initSync({ module });
};
