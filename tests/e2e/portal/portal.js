// The fake support portal's upload code, shared by its pages (one page per way of taking a file).
'use strict';
const portal = {
  // self.origin, not a relative URL: a blob: document cannot resolve one
  base: self.origin,
  report(via, names) {
    let list = document.getElementById('uploaded');
    if (!list) {
      list = document.createElement('ul');
      list.id = 'uploaded';
      document.body.appendChild(list);
    }
    for (const name of names) {
      const li = document.createElement('li');
      li.textContent = via + ': ' + name;
      list.appendChild(li);
    }
  },
  async post(via, body, query) {
    const res = await fetch(portal.base + '/upload?via=' + via + (query || ''), { method: 'POST', body });
    portal.report(via, (await res.json()).names);
  },
  send(files, via) {
    const fd = new FormData();
    for (const f of files) fd.append('attachment', f, f.name);
    return portal.post(via, fd);
  },
  named: (file) => '&name=' + encodeURIComponent(file.name),
};
