// The helper page: send a HAR to the local service, review what goes, keep what is not a secret,
// look at an entry before and after, download the clean copy. The token arrives in the URL
// fragment (never sent to a server); it is kept for this tab only and taken out of the address bar.
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const R = window.HarscrubReview;
  const P = window.HarscrubPreview;
  const plural = R.plural;

  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.get('token')) sessionStorage.setItem('harscrub-token', hash.get('token'));
  const reviewId = hash.get('review'); // a review the userscript made, opened from a portal
  if (location.hash) history.replaceState(null, '', location.pathname);
  const token = sessionStorage.getItem('harscrub-token') || '';

  let info = { max_upload: 0, persistent_key: false };
  let accepting = false; // files are taken only once the service accepted this page's token
  const state = {
    file: null, // the user's own file: the source of every run and of the before view
    rows: [], // the first run's distinct secrets: the list the user decides on
    byFp: new Map(),
    kept: new Set(),
    summary: null,
    blob: null,
    url: null,
    seq: 0, // the latest run; answers of older ones are dropped
  };

  // -- small things ---------------------------------------------------------------------------------
  function size(n) {
    if (n < 1024) return n + ' B';
    const units = ['KB', 'MB', 'GB'];
    let v = n / 1024;
    let u = 0;
    while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
    return (v >= 100 ? String(Math.round(v)) : v.toFixed(1).replace(/\.0$/, '')) + ' ' + units[u];
  }

  function status(text, problem) {
    $('status').textContent = text;
    $('status').className = problem ? 'problem' : '';
  }

  async function api(path, options) {
    const res = await fetch(path, { ...options, headers: { 'X-Harscrub-Token': token, ...(options || {}).headers } });
    if (!res.ok) {
      let why = 'HTTP ' + res.status;
      try { why = (await res.json()).error || why; } catch (e) { /* keep the status */ }
      const err = new Error(why);
      err.status = res.status;
      throw err;
    }
    return res;
  }

  // -- one run: upload with progress, the answer as a Blob and the summary header ------------------------
  function post(file, keep, onProgress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      let url = '/api/sanitize?name=' + encodeURIComponent(file.name);
      if (keep.length) url += '&keep=' + keep.join(',');
      xhr.open('POST', url);
      xhr.responseType = 'blob';
      xhr.setRequestHeader('X-Harscrub-Token', token);
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.upload.onprogress = (e) => onProgress('up', e.loaded, e.lengthComputable ? e.total : file.size);
      xhr.upload.onload = () => onProgress('wait');
      xhr.onprogress = (e) => onProgress('down', e.loaded, e.lengthComputable ? e.total : 0);
      xhr.onerror = () => reject(new Error('the harscrub service could not be reached (is harscrub serve still running?)'));
      xhr.onload = async () => {
        if (xhr.status !== 200) {
          let why = 'HTTP ' + xhr.status;
          try { why = JSON.parse(await xhr.response.text()).error || why; } catch (e) { /* keep the status */ }
          reject(new Error(why));
          return;
        }
        let summary = null;
        try { summary = JSON.parse(xhr.getResponseHeader('X-Harscrub-Summary')); } catch (e) { /* below */ }
        if (!summary || typeof summary.total !== 'number') reject(new Error('the service sent no summary'));
        else resolve({ summary, blob: xhr.response });
      };
      onProgress('up', 0, file.size);
      xhr.send(file);
    });
  }

  function progressFor(file) {
    const box = $('progress');
    const bar = $('bar');
    const text = $('progress-text');
    return (phase, done, total) => {
      box.hidden = false;
      if (phase === 'up') {
        bar.value = total ? (100 * done) / total : 0;
        text.textContent = 'Uploading ' + file.name + ' to the service on this machine: ' + size(done) + ' of ' + size(total);
      } else if (phase === 'wait') {
        bar.removeAttribute('value'); // indeterminate: the service reads, redacts and sweeps
        text.textContent = 'Sanitizing ' + file.name + ' (' + size(file.size) + ')…';
      } else if (phase === 'down') {
        if (total) bar.value = (100 * done) / total; else bar.removeAttribute('value');
        text.textContent = 'Receiving the sanitized file: ' + size(done) + (total ? ' of ' + size(total) : '');
      }
    };
  }

  const hideProgress = () => { $('progress').hidden = true; };

  // -- showing a result ------------------------------------------------------------------------------
  function setBlob(blob, name) {
    if (state.url) URL.revokeObjectURL(state.url);
    state.blob = blob;
    state.url = URL.createObjectURL(blob);
    const link = $('download');
    link.href = state.url;
    link.download = name;
    link.textContent = 'Download ' + name;
    link.removeAttribute('aria-disabled');
    link.classList.remove('busy');
    link.title = size(blob.size);
  }

  function holdDownload() {
    const link = $('download');
    link.removeAttribute('href');
    link.setAttribute('aria-disabled', 'true');
    link.classList.add('busy');
    link.textContent = 'Updating…';
  }

  function headline(s) {
    return plural(s.total, 'secret') + ' removed (' + s.distinct + ' distinct) from ' + plural(s.entries, 'entry', 'entries');
  }

  function keptLine() {
    const rows = state.rows.filter((r) => state.kept.has(r.fingerprint));
    if (!rows.length) return '';
    const n = rows.reduce((a, r) => a + r.count, 0);
    return plural(rows.length, 'secret') + ' kept as ' + (rows.length === 1 ? 'it is' : 'they are') +
      ' (' + plural(n, 'occurrence') + '). ';
  }

  function updateSummary() {
    const s = state.summary;
    $('headline').textContent = headline(s);
    const sev = R.SEVERITIES.filter((k) => (s.by_severity || {})[k]).map((k) => s.by_severity[k] + ' ' + k).join(' · ');
    $('subline').textContent = keptLine() + (sev ? 'Removed: ' + sev + '.' : '');
    $('ignore-text').value = R.ignoreFile(state.rows, state.kept, state.file ? state.file.name : s.name, info.persistent_key);
    $('export').hidden = !state.kept.size;
  }

  function showEarlier(previous) {
    const box = $('earlier');
    box.hidden = !previous;
    if (!previous) return;
    if (previous.state === 'invalid') {
      box.textContent = 'This file holds a log._harscrub member that harscrub did not write; it was sanitized like any other file.';
      return;
    }
    const by = 'harscrub ' + (previous.version || '(unknown version)');
    const rules = previous.same_rules ? 'the same rules as this service' : 'other rules' + (previous.rules ? ' (' + previous.rules + ')' : '');
    const since = previous.state === 'intact' ? 'its entries are unchanged since' : 'its entries were changed since';
    const fresh = state.summary.total
      ? 'This fresh pass found ' + plural(state.summary.total, 'more secret') + ' (below).'
      : 'This fresh pass found nothing more.';
    box.replaceChildren();
    const strong = document.createElement('strong');
    strong.textContent = 'Already sanitized. ';
    box.appendChild(strong);
    box.appendChild(document.createTextNode('This file was sanitized by ' + by + ' with ' + rules + ', and ' + since +
      '; that run removed ' + plural(previous.removed || 0, 'secret') + '. ' + fresh +
      ' The download keeps its name.'));
  }

  function drawReview(readOnly) {
    R.render($('groups'), state.rows, state.kept, { readOnly, onToggle, onPlace: readOnly ? null : openEntry });
  }

  function showResult(summary, blob, review) {
    state.summary = summary;
    state.rows = review.secrets;
    state.byFp = new Map(review.secrets.map((r) => [r.fingerprint, r]));
    showEarlier(summary.previous);
    $('readonly').hidden = true;
    $('download').hidden = false;
    $('tab-preview').hidden = false;
    setBlob(blob, summary.name);
    drawReview(false);
    $('more-secrets').hidden = !review.more_secrets;
    $('more-secrets').textContent = review.more_secrets
      ? plural(review.more_secrets, 'more distinct secret') + ' removed as well (not listed: the list stops at ' + review.secrets.length + ').' : '';
    updateKeyNote();
    updateSummary();
    selectTab('review');
    $('result').hidden = false;
  }

  function updateKeyNote() {
    if (info.persistent_key) {
      $('key-note').textContent = 'This service uses a lasting fingerprint key: these fingerprints match later runs and ' +
        'harscrub check with the same key.';
      $('config-text').textContent = '[tool.harscrub]\nignore-file = ".harscrubignore"';
    } else {
      $('key-note').textContent = 'Fingerprints are made with a key that is new each time harscrub serve starts: these ' +
        'lines match this run only. For them to match later runs and harscrub check, give harscrub a lasting key ' +
        '(harscrub keygen team.key) in the settings, e.g. pyproject.toml:';
      $('config-text').textContent = '[tool.harscrub]\nkey-file = "team.key"            # the same key for serve, sanitize and check\n' +
        'ignore-file = ".harscrubignore"  # the lines above';
    }
  }

  // -- keeping a value ----------------------------------------------------------------------------------
  function confirmKeep(row) {
    const dialog = $('confirm');
    const first = row.places[0];
    $('confirm-text').textContent = R.describe(row) + ': ' + row.preview + ', ' + plural(row.count, 'time') +
      (row.entry_count ? ' in ' + plural(row.entry_count, 'entry', 'entries') : '') +
      (first ? ' (first at ' + (first.entry !== null ? 'entry ' + first.entry + ', ' : '') + first.where + ')' : '') + '.';
    return new Promise((resolve) => {
      const done = (answer) => {
        $('confirm-keep').onclick = null;
        $('confirm-cancel').onclick = null;
        dialog.oncancel = null;
        if (dialog.open) dialog.close();
        resolve(answer);
      };
      $('confirm-keep').onclick = () => done(true);
      $('confirm-cancel').onclick = () => done(false);
      dialog.oncancel = (e) => { e.preventDefault(); done(false); };
      dialog.showModal();
      $('confirm-cancel').focus();
    });
  }

  async function onToggle(row, box) {
    if (box.checked && R.needsConfirmation(row)) {
      box.checked = false;
      if (!(await confirmKeep(row))) return;
      box.checked = true;
    }
    if (box.checked) state.kept.add(row.fingerprint);
    else state.kept.delete(row.fingerprint);
    const card = box.closest('li.secret');
    if (card) card.classList.toggle('kept', box.checked);
    await rerun();
  }

  // After a run with kept values: the other rows take this run's counts and places, and a secret
  // that was inside a kept value (found on its own now) gets a row. Kept rows stay as they were.
  async function mergeReview(id, mine) {
    let review;
    try { review = await (await api('/api/review/' + encodeURIComponent(id))).json(); } catch (e) { return; }
    if (mine !== state.seq) return;
    let changed = false;
    for (const row of review.secrets) {
      const old = state.byFp.get(row.fingerprint);
      if (!old) {
        state.rows.push(row);
        state.byFp.set(row.fingerprint, row);
        changed = true;
      } else if (old.count !== row.count || JSON.stringify(old.places) !== JSON.stringify(row.places)) {
        Object.assign(old, row);
        changed = true;
      }
    }
    if (changed) drawReview(false);
  }

  async function rerun() {
    const mine = ++state.seq;
    const file = state.file;
    holdDownload();
    updateSummary();
    status('Applying your decisions to ' + file.name + '…');
    try {
      const { summary, blob } = await post(file, [...state.kept], progressFor(file));
      if (mine !== state.seq) return;
      state.summary = summary;
      setBlob(blob, summary.name);
      await mergeReview(summary.review, mine);
      updateSummary();
      status('Done: the download keeps ' + plural(state.kept.size, 'reviewed value') + ' and removes everything else.');
      preview.refresh().catch(() => {});
    } catch (e) {
      if (mine === state.seq) status('Could not apply your decisions: ' + e.message + '. Change a choice to try again.', true);
    } finally {
      if (mine === state.seq) hideProgress();
    }
  }

  // -- the entry preview -------------------------------------------------------------------------------
  const preview = P.create({
    list: $('entry-list'),
    search: $('entry-search'),
    view: $('entry-view'),
    status: (t) => { $('preview-status').textContent = t; },
    original: () => state.file,
    sanitized: () => state.blob,
    rows: () => state.byFp,
  });

  function selectTab(name) {
    for (const [tab, pane] of [['tab-review', 'review-pane'], ['tab-preview', 'preview-pane']]) {
      const on = tab === 'tab-' + name;
      $(tab).setAttribute('aria-selected', String(on));
      $(pane).hidden = !on;
    }
  }

  async function openPreview(entry) {
    selectTab('preview');
    try {
      await preview.open();
      if (entry !== undefined) await preview.show(entry);
    } catch (e) {
      $('preview-status').textContent = 'Cannot show the entries: ' + e.message;
    }
  }
  const openEntry = (entry) => openPreview(entry);
  $('tab-review').addEventListener('click', () => selectTab('review'));
  $('tab-preview').addEventListener('click', () => openPreview());

  // -- a file ---------------------------------------------------------------------------------------------
  async function handle(file) {
    await ready;
    if (!file || !accepting) return;
    if (info.max_upload && file.size > info.max_upload) {
      status(file.name + ' is ' + size(file.size) + '; the service accepts at most ' + size(info.max_upload) +
        ' (restart it with harscrub serve --max-upload BYTES).', true);
      return;
    }
    const mine = ++state.seq;
    $('result').hidden = true;
    state.file = file;
    state.kept = new Set();
    state.rows = [];
    preview.reset(false);
    status('');
    try {
      const { summary, blob } = await post(file, [], progressFor(file));
      if (mine !== state.seq) return;
      const review = await (await api('/api/review/' + encodeURIComponent(summary.review))).json();
      if (mine !== state.seq) return;
      showResult(summary, blob, review);
      status('Done: ' + file.name + ' sanitized.');
    } catch (e) {
      if (mine === state.seq) status('Could not sanitize ' + file.name + ': ' + e.message, true);
    } finally {
      if (mine === state.seq) hideProgress();
    }
  }

  // A review the userscript made for a portal upload: shown, not editable (this tab has no file).
  async function showPortalReview(id) {
    try {
      const review = await (await api('/api/review/' + encodeURIComponent(id))).json();
      state.summary = review;
      state.rows = review.secrets;
      state.byFp = new Map(review.secrets.map((r) => [r.fingerprint, r]));
      state.file = null;
      showEarlier(review.previous);
      $('readonly').hidden = false;
      $('readonly').textContent = 'What harscrub removed from ' + (review.source || review.name) + ' for an upload on a portal (this ' +
        'review is read-only). To keep a value, open the file here: drop it above, tick keep, and download the copy.';
      $('download').hidden = true;
      $('tab-preview').hidden = true;
      drawReview(true);
      updateKeyNote();
      updateSummary();
      $('export').hidden = true;
      selectTab('review');
      $('result').hidden = false;
    } catch (e) {
      status('Cannot show that review: ' + e.message, true);
    }
  }

  function refuseFiles(title, text) {
    accepting = false;
    $('no-token').hidden = false;
    if (title) $('no-token-title').textContent = title;
    if (text) $('no-token-text').textContent = text;
    $('drop').classList.add('disabled');
    $('drop').setAttribute('aria-disabled', 'true');
    $('picker').disabled = true;
  }

  async function init() {
    if (!token) {
      refuseFiles();
      return;
    }
    $('userscript').href = '/harscrub.user.js?token=' + encodeURIComponent(token);
    try {
      info = await (await api('/api/info')).json();
      accepting = true;
      $('limit').textContent = '(up to ' + size(info.max_upload) + ')';
      if (info.allow_origins.length) $('origins').textContent = 'it runs on ' + info.allow_origins.join(', ');
      else $('origins').textContent = 'no portal allowed yet (start harscrub serve with --allow-origin https://your-portal)';
    } catch (e) {
      if (e.status === 401) {
        refuseFiles('This link\'s token is not the one of the running service.',
          'The token is new each time harscrub serve starts: open the page: URL it printed last, the part after #token= included.');
        sessionStorage.removeItem('harscrub-token');
      } else {
        refuseFiles('The harscrub service refused this page: ' + e.message, ' ');
      }
      return;
    }
    if (reviewId) await showPortalReview(reviewId);
  }

  const drop = $('drop');
  $('picker').addEventListener('change', (e) => { handle(e.target.files[0]); e.target.value = ''; });
  for (const type of ['dragenter', 'dragover']) {
    drop.addEventListener(type, (e) => { e.preventDefault(); if (accepting) drop.classList.add('over'); });
  }
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    handle(e.dataTransfer && e.dataTransfer.files[0]);
  });
  drop.addEventListener('keydown', (e) => {
    if ((e.key === 'Enter' || e.key === ' ') && accepting) { e.preventDefault(); $('picker').click(); }
  });
  $('copy-ignore').addEventListener('click', async () => {
    const text = $('ignore-text').value;
    try { await navigator.clipboard.writeText(text); } catch (e) { $('ignore-text').select(); document.execCommand('copy'); }
    $('copied').textContent = 'Copied.';
  });
  // A file dropped beside the drop zone must not make the browser open it.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());
  const ready = init();
})();
