// The worker of worker.html: gets the files from the page and uploads them itself.
self.onmessage = async (e) => {
  const fd = new FormData();
  for (const f of e.data) fd.append('attachment', f, f.name);
  const res = await fetch('/upload?via=worker', { method: 'POST', body: fd });
  self.postMessage((await res.json()).names);
};
