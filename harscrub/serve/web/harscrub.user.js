// ==UserScript==
// @name         harscrub: sanitize HAR uploads
// @namespace    harscrub
// @version      __HARSCRUB_VERSION__
// @description  Swaps a .har file you pick or drop on a support portal for the copy your local harscrub service sanitized; blocks the upload when it cannot.
// @match        __HARSCRUB_MATCHES__
// @run-at       document-start
// @grant        none
// ==/UserScript==
//
// Written by `harscrub userscript` / served by `harscrub serve` at /harscrub.user.js. It holds
// the token of one run of the service: after a restart, install it again from the printed URL.
//
// How it works: a capturing listener sees a file input's `input`/`change` events, a `drop` or a
// `paste` before the page does. If a .har file is in it, the event is stopped, the raw file is
// taken out of the input at once, and the file goes to the local service. The page then gets
// the sanitized file (the input's FileList replaced through a DataTransfer; drops and pastes
// dispatched again with it). Any failure leaves the page without the file: fail closed.
(function () {
  'use strict';
  const SERVICE = "__HARSCRUB_SERVICE__";
  const TOKEN = "__HARSCRUB_TOKEN__";
  const ORIGINS = ["__HARSCRUB_ORIGINS__"];
  if (!ORIGINS.includes(location.origin)) return; // the service would refuse this page anyway

  const HAR_NAME = /\.har(\.gz|\.json)?$/i;
  const TIMEOUT_MS = 120000;
  const ours = new WeakSet(); // events this script dispatched: let them through
  const busy = new WeakSet(); // file inputs whose HAR is being sanitized
  const shadowRoots = new WeakMap(); // host -> shadow root (closed ones included)

  const isHar = (file) => HAR_NAME.test(file.name);

  async function sanitizeOne(file) {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), TIMEOUT_MS);
    try {
      let res;
      try {
        res = await fetch(SERVICE + '/api/sanitize?name=' + encodeURIComponent(file.name), {
          method: 'POST',
          body: file,
          headers: { 'X-Harscrub-Token': TOKEN, 'Content-Type': 'application/octet-stream' },
          credentials: 'omit',
          cache: 'no-store',
          referrerPolicy: 'no-referrer',
          signal: ctrl.signal,
        });
      } catch (e) {
        throw new Error('the harscrub service at ' + SERVICE + ' could not be reached. Is "harscrub serve" running, ' +
          'with --allow-origin ' + location.origin + ', and did you allow this site to access apps on this device?');
      }
      if (!res.ok) {
        let why = 'HTTP ' + res.status;
        try { why = (await res.json()).error || why; } catch (e) { /* keep the status */ }
        throw new Error('the harscrub service refused it: ' + why);
      }
      const summary = JSON.parse(res.headers.get('X-Harscrub-Summary') || 'null');
      if (!summary || typeof summary.total !== 'number' || !summary.name) {
        throw new Error('the harscrub service sent no summary');
      }
      const blob = await res.blob();
      const clean = new File([blob], summary.name, { type: 'application/json', lastModified: Date.now() });
      return { file: clean, removed: summary.total };
    } finally {
      clearTimeout(timer);
    }
  }

  // Every HAR among `files` is replaced by its sanitized copy; other files pass as they are.
  async function sanitizeAll(files) {
    const out = [];
    let removed = 0;
    for (const file of files) {
      if (!isHar(file)) { out.push(file); continue; }
      const done = await sanitizeOne(file);
      out.push(done.file);
      removed += done.removed;
    }
    return { files: out, removed };
  }

  function fileList(files) {
    const dt = new DataTransfer();
    for (const f of files) dt.items.add(f);
    return dt;
  }

  function notice(text, kind) {
    const box = document.createElement('div');
    box.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    box.setAttribute('data-harscrub', kind);
    box.textContent = text;
    box.title = 'click to close';
    box.style.cssText = 'all:initial;position:fixed;z-index:2147483647;right:16px;bottom:16px;max-width:440px;' +
      'padding:10px 14px;border-radius:8px;font:14px/1.45 system-ui,sans-serif;color:#fff;cursor:pointer;' +
      'box-shadow:0 4px 18px rgba(0,0,0,.3);white-space:pre-line;background:' +
      (kind === 'error' ? '#b3261e' : kind === 'busy' ? '#44546a' : '#1b6e3a');
    box.addEventListener('click', () => box.remove());
    document.querySelectorAll('[data-harscrub="busy"]').forEach((n) => n.remove());
    (document.body || document.documentElement).appendChild(box);
    if (kind === 'done') setTimeout(() => box.remove(), 10000);
    return box;
  }

  const names = (files) => files.filter(isHar).map((f) => f.name).join(', ');

  function blocked(files, err) {
    notice('harscrub blocked the upload of ' + names(files) + ': ' + err.message +
      '\nThe raw file was not given to this page.', 'error');
  }

  function done(removed) {
    notice('harscrub removed ' + removed + ' secret' + (removed === 1 ? '' : 's') + ' (the page got the .scrubbed.har copy)', 'done');
  }

  // The element an event was really aimed at, inside shadow roots (closed ones too).
  function deepTarget(event) {
    let target = event.composedPath()[0] || event.target;
    while (shadowRoots.has(target) && typeof event.clientX === 'number') {
      const inner = shadowRoots.get(target).elementFromPoint(event.clientX, event.clientY);
      if (!inner || inner === target) break;
      target = inner;
    }
    return target;
  }

  function onInputEvent(event) {
    if (ours.has(event)) return;
    const input = event.composedPath()[0];
    if (!(input instanceof HTMLInputElement) || input.type !== 'file') return;
    if (busy.has(input)) { event.stopImmediatePropagation(); return; } // the `change` after `input`
    const files = Array.from(input.files || []);
    if (!files.some(isHar)) return;
    event.stopImmediatePropagation();
    busy.add(input);
    input.files = fileList(files.filter((f) => !isHar(f))).files; // the raw HAR leaves the input now
    notice('harscrub is sanitizing ' + names(files) + '…', 'busy');
    sanitizeAll(files).then((result) => {
      input.files = fileList(result.files).files;
      busy.delete(input);
      for (const type of ['input', 'change']) {
        const ev = new Event(type, { bubbles: true, composed: type === 'input' });
        ours.add(ev);
        input.dispatchEvent(ev);
      }
      done(result.removed);
    }, (err) => {
      busy.delete(input);
      input.value = '';
      blocked(files, err);
    });
  }

  // Drops and pastes carry their files in a DataTransfer: stop the event, dispatch a copy later.
  function onTransfer(event) {
    if (ours.has(event)) return;
    const data = event.type === 'paste' ? event.clipboardData : event.dataTransfer;
    const files = data ? Array.from(data.files || []) : [];
    if (!files.some(isHar)) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    const target = deepTarget(event);
    const init = { bubbles: true, cancelable: true, composed: true };
    if (event.type === 'drop') {
      for (const k of ['clientX', 'clientY', 'screenX', 'screenY', 'ctrlKey', 'shiftKey', 'altKey', 'metaKey']) init[k] = event[k];
    }
    notice('harscrub is sanitizing ' + names(files) + '…', 'busy');
    sanitizeAll(files).then((result) => {
      const dt = fileList(result.files);
      const ev = event.type === 'paste'
        ? new ClipboardEvent('paste', { ...init, clipboardData: dt })
        : new DragEvent('drop', { ...init, dataTransfer: dt });
      ours.add(ev);
      (target.isConnected ? target : document).dispatchEvent(ev);
      done(result.removed);
    }, (err) => blocked(files, err));
  }

  function guard(root) {
    root.addEventListener('input', onInputEvent, true);
    root.addEventListener('change', onInputEvent, true);
    root.addEventListener('drop', onTransfer, true);
    root.addEventListener('paste', onTransfer, true);
  }

  // `change` does not leave a shadow root, so every shadow root gets the listeners too.
  const attachShadow = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attachShadow.call(this, init);
    shadowRoots.set(this, root);
    guard(root);
    return root;
  };
  guard(window);
})();
