// The helper page: send a HAR to the local service, show what was removed, offer the clean copy.
// The token arrives in the URL fragment (never sent to a server); it is kept for this tab only
// and taken out of the address bar.
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromHash) {
    sessionStorage.setItem('harscrub-token', fromHash);
    history.replaceState(null, '', location.pathname);
  }
  const token = sessionStorage.getItem('harscrub-token') || '';
  let maxUpload = 0;
  let downloadUrl = null;

  function status(text, problem) {
    $('status').textContent = text;
    $('status').className = problem ? 'problem' : '';
  }

  async function api(path, options) {
    const res = await fetch(path, { ...options, headers: { 'X-Harscrub-Token': token, ...(options || {}).headers } });
    if (!res.ok) {
      let why = 'HTTP ' + res.status;
      try { why = (await res.json()).error || why; } catch (e) { /* keep the status */ }
      throw new Error(why);
    }
    return res;
  }

  function cell(row, text, cls) {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    row.appendChild(td);
    return td;
  }

  function show(summary, blob) {
    const plural = (n, word) => n + ' ' + word + (n === 1 ? '' : 's');
    $('headline').textContent = plural(summary.total, 'secret') + ' removed (' + summary.distinct +
      ' distinct) from ' + summary.entries + (summary.entries === 1 ? ' entry' : ' entries');
    const rows = $('rules');
    rows.replaceChildren();
    for (const r of summary.rules) {
      const tr = document.createElement('tr');
      cell(tr, r.rule, 'rule');
      cell(tr, r.severity, 'sev ' + r.severity);
      cell(tr, String(r.count), 'num');
      const places = cell(tr, '', 'places');
      const list = document.createElement('ul');
      for (const p of r.places) {
        const li = document.createElement('li');
        li.textContent = p;
        list.appendChild(li);
      }
      if (r.more_places) {
        const li = document.createElement('li');
        li.className = 'more';
        li.textContent = '+' + r.more_places + ' more place' + (r.more_places === 1 ? '' : 's');
        list.appendChild(li);
      }
      places.appendChild(list);
      rows.appendChild(tr);
    }
    if (downloadUrl) URL.revokeObjectURL(downloadUrl);
    downloadUrl = URL.createObjectURL(blob);
    const link = $('download');
    link.href = downloadUrl;
    link.download = summary.name;
    link.textContent = 'Download ' + summary.name;
    $('result').hidden = false;
  }

  async function handle(file) {
    if (!file) return;
    $('result').hidden = true;
    if (maxUpload && file.size > maxUpload) {
      status(file.name + ' is ' + file.size + ' bytes; the service accepts at most ' + maxUpload +
        ' (restart it with harscrub serve --max-upload BYTES).', true);
      return;
    }
    status('Sanitizing ' + file.name + '…');
    try {
      const res = await api('/api/sanitize?name=' + encodeURIComponent(file.name), {
        method: 'POST', body: file, headers: { 'Content-Type': 'application/octet-stream' },
      });
      const summary = JSON.parse(res.headers.get('X-Harscrub-Summary'));
      show(summary, await res.blob());
      status('Done: ' + file.name + ' sanitized.');
    } catch (e) {
      status('Could not sanitize ' + file.name + ': ' + e.message, true);
    }
  }

  async function init() {
    if (!token) {
      $('no-token').hidden = false;
      return;
    }
    $('userscript').href = '/harscrub.user.js?token=' + encodeURIComponent(token);
    try {
      const info = await (await api('/api/info')).json();
      maxUpload = info.max_upload;
      if (info.allow_origins.length) $('origins').textContent = 'it runs on ' + info.allow_origins.join(', ');
      else $('origins').textContent = 'no portal allowed yet (start harscrub serve with --allow-origin https://your-portal)';
    } catch (e) {
      status('The harscrub service refused this page: ' + e.message, true);
    }
  }

  const drop = $('drop');
  $('picker').addEventListener('change', (e) => { handle(e.target.files[0]); e.target.value = ''; });
  for (const type of ['dragenter', 'dragover']) {
    drop.addEventListener(type, (e) => { e.preventDefault(); drop.classList.add('over'); });
  }
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    handle(e.dataTransfer && e.dataTransfer.files[0]);
  });
  // A file dropped beside the drop zone must not make the browser open it.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());
  init();
})();
