// ==UserScript==
// @name         harscrub: sanitize HAR uploads
// @namespace    harscrub
// @version      __HARSCRUB_VERSION__
// @description  Swaps a HAR you choose, drop or paste on a support portal (found by name or by content) for the copy your local harscrub service sanitized; blocks the upload when it cannot.
// @match        __HARSCRUB_MATCHES__
// @run-at       document-start
// @grant        none
// ==/UserScript==
//
// Written by `harscrub userscript` / served by `harscrub serve` at /harscrub.user.js. It holds
// the token of one run of the service: after a restart, install it again from the printed URL.
//
// The rule: the page never holds a raw HAR. A page can only get a file the user chose from a
// short list of places, and each is guarded before any page script runs, in this frame and in
// every same-origin frame the page makes (srcdoc, about:blank, blob:), whose window the parent
// guards as soon as the frame exists:
//
// - file inputs (in the document, in shadow roots open or closed, declarative or not, or never
//   attached): the `input`/`change` events are caught first, the files taken out of the input at
//   once, checked, and put back (a HAR replaced by its sanitized copy) before the events are sent
//   again. The `files` getter is a backstop: files it has not seen checked are withheld.
// - drops and pastes: the event is stopped, every file (folders walked) checked, and a copy of the
//   event sent again with the checked files; a drop on a file input ends with them in the input.
// - folders: a dropped folder is walked and checked before the page sees the drop; the page walks
//   stand-in entries (webkitGetAsEntry) or handles (getAsFileSystemHandle) holding checked files.
// - FileSystemFileHandle.getFile(): the file is checked before the page gets it;
//   showOpenFilePicker/showDirectoryPicker go through a file input this script owns.
// - forms: a submit while a file is being checked is held and sent again when it is done;
//   `new FormData(form)` of a form whose file is not checked yet throws; a form submission
//   carrying a file nobody checked is stopped and sent again with the checked files.
//
// Before a sanitized HAR goes on, a small panel says how many secrets were removed, with a
// button that opens the review in the helper page; the upload goes on by itself after the
// service's `upload_pause` seconds (the summary carries it), at once with "Upload now", and not
// at all with "Cancel upload", after "Review" (until the user answers) or if the panel is gone.
//
// A file is a HAR by name (.har, .har.gz, .har.json) or by content: gzip that inflates to one,
// or JSON whose top level holds `log` with `entries` (BOM and whitespace allowed). What cannot be
// decided within SNIFF_BYTES of content or SNIFF_MS counts as a HAR. Any failure leaves the page
// without the file, with a red notice: fail closed.
(function () {
  'use strict';
  const SERVICE = "__HARSCRUB_SERVICE__";
  const TOKEN = "__HARSCRUB_TOKEN__";
  const ORIGINS = ["__HARSCRUB_ORIGINS__"];
  const MARK = '__harscrub_guarded__';

  if (Object.prototype.hasOwnProperty.call(window, MARK)) return; // a parent frame guards this window already
  const ancestorOrigins = Array.from((location.ancestorOrigins) || []);
  // self.origin, not location.origin: that is "null" in srcdoc frames that are same-origin with the portal.
  if (!ORIGINS.includes(self.origin) && !ancestorOrigins.some((o) => ORIGINS.includes(o))) return;

  const HAR_NAME = /\.har(\.gz|\.json)?$/i;
  const TIMEOUT_MS = 120000;
  const SNIFF_BYTES = 8 << 20; // content read (inflated, for gzip) to decide whether a file is a HAR
  const SNIFF_MS = 15000;
  const WATCHED = new Set(['input', 'change', 'drop', 'paste', 'submit']);

  // -- natives, taken before any page script runs ----------------------------------------------
  const W = window;
  const desc = (proto, name) => (proto && Object.getOwnPropertyDescriptor(proto, name)) || {};
  const N = {
    fetch: W.fetch,
    open: W.open,
    setTimeout: W.setTimeout.bind(W),
    clearTimeout: W.clearTimeout.bind(W),
    DataTransfer: W.DataTransfer,
    TextDecoder: W.TextDecoder,
    DecompressionStream: W.DecompressionStream,
    AbortController: W.AbortController,
    MutationObserver: W.MutationObserver,
    DOMException: W.DOMException,
    inputFiles: desc(W.HTMLInputElement.prototype, 'files'),
    inputClick: W.HTMLInputElement.prototype.click,
    inputShowPicker: W.HTMLInputElement.prototype.showPicker,
    dtFiles: desc(W.DataTransfer.prototype, 'files').get,
    dtItems: desc(W.DataTransfer.prototype, 'items').get,
    dtTypes: desc(W.DataTransfer.prototype, 'types').get,
    dtGetData: W.DataTransfer.prototype.getData,
    getAsFile: W.DataTransferItem.prototype.getAsFile,
    getAsEntry: W.DataTransferItem.prototype.webkitGetAsEntry,
    getAsHandle: W.DataTransferItem.prototype.getAsFileSystemHandle,
    handleGetFile: W.FileSystemFileHandle && W.FileSystemFileHandle.prototype.getFile,
    slice: W.Blob.prototype.slice,
    arrayBuffer: W.Blob.prototype.arrayBuffer,
    stream: W.Blob.prototype.stream,
    formSubmit: W.HTMLFormElement.prototype.submit,
    requestSubmit: W.HTMLFormElement.prototype.requestSubmit,
    isConnected: desc(W.Node.prototype, 'isConnected').get,
    formElements: desc(W.HTMLFormElement.prototype, 'elements').get,
    attachShadow: W.Element.prototype.attachShadow,
    internalsRoot: W.ElementInternals && desc(W.ElementInternals.prototype, 'shadowRoot').get,
    addEventListener: W.EventTarget.prototype.addEventListener,
    getRootNode: W.Node.prototype.getRootNode,
    iframeWindow: desc(W.HTMLIFrameElement.prototype, 'contentWindow').get,
  };

  // -- state (shared by every frame this script guards) -------------------------------------------
  const vetted = new WeakSet(); // files checked here: originals that are no HAR, sanitized copies
  const pageOwn = new WeakSet(); // files the page put in an input or a DataTransfer itself (it holds them already)
  const okForPage = (f) => !f.size || vetted.has(f) || pageOwn.has(f); // an empty file has nothing to leak
  const results = new WeakMap(); // raw file -> Promise<{file, removed, har}>
  const inputJobs = new WeakMap(); // file input -> generation of the check it waits for
  const fakeEntries = new WeakMap(); // file in one of our DataTransfers -> stand-in FileSystemEntry
  const fakeTrees = new WeakMap(); // stand-in entry -> {file} or {children}
  const roots = new WeakMap(); // shadow host -> its shadow root (closed ones too)
  const guarded = new WeakSet(); // windows, documents, shadow roots and detached subtrees we listen on
  const ours = new WeakSet(); // events this script dispatched
  const replaying = new WeakSet(); // forms this script submits again
  const warnedOrigins = new Set();
  let generation = 0;
  let pending = 0; // checks in flight
  let failures = 0; // checks that ended blocked
  let idleWaiters = [];

  const str = (x) => Object.prototype.toString.call(x);
  const isFile = (x) => str(x) === '[object File]';
  const isFileInput = (x) => !!x && x.nodeType === 1 && x.localName === 'input' && String(x.type).toLowerCase() === 'file';
  const isForm = (x) => !!x && x.nodeType === 1 && x.localName === 'form';
  const realm = (node) => (node && (node.nodeType === 9 ? node.defaultView : node.ownerDocument && node.ownerDocument.defaultView)) || W;
  const errorOf = (win, message, name) => new (win.DOMException || N.DOMException)(message, name);

  function track(promise) {
    pending++;
    const settle = () => {
      pending--;
      if (!pending) {
        const waiters = idleWaiters;
        idleWaiters = [];
        waiters.forEach((w) => w());
      }
    };
    promise.then(settle, () => { failures++; settle(); });
    return promise;
  }
  const whenIdle = () => (pending ? new Promise((resolve) => idleWaiters.push(resolve)) : Promise.resolve());

  function listOf(win, files) {
    const dt = new (win.DataTransfer || N.DataTransfer)();
    for (const f of files) dt.items.add(f);
    return dt;
  }

  // -- is it a HAR? -------------------------------------------------------------------------------
  // A streaming scan of JSON text: true once the top-level object has `log` holding `entries`,
  // false once it cannot (not JSON, or the top-level object closed without them). Malformed JSON
  // after a top-level `log` counts as a HAR (a truncated export still holds secrets).
  function jsonSniffer() {
    const BOM = [0xef, 0xbb, 0xbf];
    const ws = (c) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
    const stack = [];
    let at = 0;
    let bom = 0;
    let started = false;
    let want = 'key?'; // key?, key, colon, value, value?, comma
    let inString = 0; // 1: a key, 2: a value
    let escaped = false;
    let scalar = false;
    let key = [];
    let logNext = false;
    let logDepth = 0;
    let sawLog = false;
    const fail = () => sawLog;
    const decodeKey = (bytes) => {
      try { return JSON.parse('"' + new N.TextDecoder().decode(new Uint8Array(bytes)) + '"'); } catch (e) { return null; }
    };
    function feed(bytes) {
      for (let i = 0; i < bytes.length; i++, at++) {
        const c = bytes[i];
        if (!started) {
          if (at === bom && bom < 3 && c === BOM[bom]) { bom++; continue; }
          if (ws(c)) continue;
          if (c !== 0x7b) return false;
          started = true;
          stack.push(0x7b);
          continue;
        }
        if (inString) {
          if (escaped) escaped = false;
          else if (c === 0x5c) escaped = true;
          else if (c === 0x22) {
            const wasKey = inString === 1;
            inString = 0;
            if (wasKey) {
              const name = decodeKey(key);
              key = [];
              want = 'colon';
              if (stack.length === 1 && name === 'log') { logNext = true; sawLog = true; }
              else if (logDepth && stack.length === logDepth && name === 'entries') return true;
            } else {
              want = 'comma';
            }
            continue;
          }
          if (inString === 1 && key.length < 256) key.push(c);
          continue;
        }
        if (scalar) {
          if (!(ws(c) || c === 0x2c || c === 0x7d || c === 0x5d)) continue;
          scalar = false;
          want = 'comma';
        }
        if (ws(c)) continue;
        if (c === 0x22) {
          if (want === 'key' || want === 'key?') { inString = 1; continue; }
          if (want === 'value' || want === 'value?') { inString = 2; logNext = false; continue; }
          return fail();
        }
        if (c === 0x7b || c === 0x5b) {
          if (want !== 'value' && want !== 'value?') return fail();
          stack.push(c);
          if (c === 0x7b && logNext) logDepth = stack.length;
          logNext = false;
          want = c === 0x7b ? 'key?' : 'value?';
          continue;
        }
        if (c === 0x7d || c === 0x5d) {
          const open = c === 0x7d ? 0x7b : 0x5b;
          if (stack[stack.length - 1] !== open || (want !== 'comma' && want !== (open === 0x7b ? 'key?' : 'value?'))) return fail();
          if (stack.length === logDepth) logDepth = 0;
          stack.pop();
          if (!stack.length) return false; // the top-level object closed without log.entries
          want = 'comma';
          continue;
        }
        if (c === 0x2c) {
          if (want !== 'comma') return fail();
          want = stack[stack.length - 1] === 0x7b ? 'key' : 'value';
          continue;
        }
        if (c === 0x3a) {
          if (want !== 'colon') return fail();
          want = 'value';
          continue;
        }
        if (want !== 'value' && want !== 'value?') return fail();
        scalar = true;
        logNext = false;
      }
      return undefined;
    }
    return { feed, end: () => started && sawLog };
  }

  async function sniffStream(stream) {
    const reader = stream.getReader();
    const sniffer = jsonSniffer();
    let seen = 0;
    try {
      for (;;) {
        let chunk;
        try { chunk = await reader.read(); } catch (e) { return true; } // unreadable or corrupt: fail closed
        if (chunk.done) return sniffer.end();
        const verdict = sniffer.feed(chunk.value);
        if (verdict !== undefined) return verdict;
        seen += chunk.value.length;
        if (seen >= SNIFF_BYTES) return true; // undecided: fail closed
      }
    } finally {
      reader.cancel().catch(() => {});
    }
  }

  async function sniffFile(file) {
    const head = new Uint8Array(await N.arrayBuffer.call(N.slice.call(file, 0, 4)));
    if (head[0] === 0x1f && head[1] === 0x8b) {
      return sniffStream(N.stream.call(file).pipeThrough(new N.DecompressionStream('gzip')));
    }
    if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
      // UTF-16 JSON: the service refuses it, so a HAR in it is blocked rather than sent on.
      const text = new N.TextDecoder(head[0] === 0xff ? 'utf-16le' : 'utf-16be')
        .decode(await N.arrayBuffer.call(N.slice.call(file, 0, 4096)));
      return /^\s*\{/.test(text);
    }
    return sniffStream(N.stream.call(file));
  }

  function isHar(file) {
    if (HAR_NAME.test(file.name)) return Promise.resolve(true);
    if (!file.size) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = N.setTimeout(() => resolve(true), SNIFF_MS); // too slow to decide: fail closed
      sniffFile(file).then(resolve, () => resolve(true)).finally(() => N.clearTimeout(timer));
    });
  }

  // -- the service --------------------------------------------------------------------------------
  // The sanitized copy keeps the extension the user gave (a portal may accept only .json or .txt).
  function cleanName(raw, fromService) {
    if (HAR_NAME.test(raw) || /\.gz$/i.test(raw)) return fromService;
    if (/\.scrubbed(\.[^.]*)?$/i.test(raw)) return raw; // sanitized before: never NAME.scrubbed.scrubbed.json
    const dot = raw.lastIndexOf('.');
    return dot > 0 ? raw.slice(0, dot) + '.scrubbed' + raw.slice(dot) : raw + '.scrubbed';
  }

  async function sanitizeOne(file) {
    const ctrl = new N.AbortController();
    const timer = N.setTimeout(() => ctrl.abort(), TIMEOUT_MS);
    try {
      let res;
      try {
        res = await N.fetch.call(W, SERVICE + '/api/sanitize?name=' + encodeURIComponent(file.name), {
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
          'with --allow-origin ' + self.origin + ', and did you allow this site to access apps on this device?');
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
      const FileOf = Object.getPrototypeOf(file).constructor; // a File of the page's own realm
      const type = file.type && !/gzip/i.test(file.type) ? file.type : 'application/json';
      const clean = new FileOf([blob], cleanName(file.name, summary.name), { type, lastModified: Date.now() });
      return { file: clean, removed: summary.total, summary };
    } finally {
      N.clearTimeout(timer);
    }
  }

  // Each raw file is checked once; a HAR is sanitized once, however many ways the page asks for it.
  function resultOf(file, win) {
    if (vetted.has(file)) return Promise.resolve({ file, removed: 0, har: false });
    let job = results.get(file);
    if (!job) {
      job = isHar(file).then((har) => {
        if (!har) {
          vetted.add(file);
          return { file, removed: 0, har: false };
        }
        notice(win, 'harscrub is sanitizing ' + file.name + '…', 'busy');
        return sanitizeOne(file).then((done) => askBeforeUpload(win, file.name, done)).then((done) => {
          vetted.add(done.file);
          return { file: done.file, removed: done.removed, har: true, raw: file.name };
        }, (err) => {
          err.names = [file.name];
          throw err;
        });
      });
      results.set(file, job);
    }
    return job;
  }

  async function processFiles(files, win) {
    const out = [];
    const hars = [];
    let removed = 0;
    for (const file of files) {
      const r = await resultOf(file, win);
      out.push(r.file);
      if (r.har) { hars.push(r.raw); removed += r.removed; }
    }
    return { files: out, removed, hars };
  }

  // -- notices ----------------------------------------------------------------------------------
  // Shown in the topmost document this script can reach: a small upload frame could hide them.
  function noticeDocument(win) {
    let w = win;
    try {
      while (w.parent && w.parent !== w && w.parent.document && Object.prototype.hasOwnProperty.call(w.parent, MARK)) w = w.parent;
    } catch (e) { /* a cross-origin parent: stay here */ }
    return w.document;
  }

  function notice(win, text, kind) {
    const doc = noticeDocument(win);
    const box = doc.createElement('div');
    box.setAttribute('role', kind === 'error' || kind === 'warn' ? 'alert' : 'status');
    box.setAttribute('data-harscrub', kind);
    box.textContent = text;
    box.title = 'click to close';
    box.style.cssText = 'all:initial;position:fixed;z-index:2147483647;right:16px;bottom:16px;max-width:440px;' +
      'padding:10px 14px;border-radius:8px;font:14px/1.45 system-ui,sans-serif;color:#fff;cursor:pointer;' +
      'box-shadow:0 4px 18px rgba(0,0,0,.3);white-space:pre-line;background:' +
      ({ error: '#b3261e', warn: '#8a4b00', busy: '#44546a', cancelled: '#44546a' }[kind] || '#1b6e3a');
    box.addEventListener('click', () => box.remove());
    doc.querySelectorAll('[data-harscrub="busy"]').forEach((n) => n.remove());
    (doc.body || doc.documentElement).appendChild(box);
    if (kind === 'done') N.setTimeout(() => box.remove(), 10000);
    return box;
  }

  // -- the panel: before the sanitized copy goes on --------------------------------------------------
  const PANEL_STYLE = 'all:initial;position:fixed;z-index:2147483647;right:16px;width:360px;max-width:calc(100vw - 32px);' +
    'box-sizing:border-box;padding:12px 14px;border-radius:10px;font:14px/1.45 system-ui,sans-serif;color:#1d2430;' +
    'background:#fff;border:1px solid #c8d0dc;box-shadow:0 6px 24px rgba(0,0,0,.28);';
  const BUTTON_STYLE = 'all:initial;display:inline-block;margin:8px 8px 0 0;padding:4px 10px;border-radius:6px;cursor:pointer;' +
    'font:600 13px/1.4 system-ui,sans-serif;border:1px solid #c8d0dc;color:#1f5fbf;background:#fff;';

  function askBeforeUpload(win, name, done) {
    const s = done.summary;
    const pause = Math.max(0, Math.min(60, Number(s.pause) || 0));
    if (!pause || !s.total) return Promise.resolve(done); // nothing to review, or no pause wanted
    return new Promise((resolve, reject) => {
      const doc = noticeDocument(win);
      const el = (tag, text, style) => {
        const node = doc.createElement(tag);
        if (text) node.textContent = text;
        node.style.cssText = style;
        return node;
      };
      let timer = null;
      let left = Math.ceil(pause);
      const panel = el('div', '', PANEL_STYLE + 'bottom:' + (16 + 150 * doc.querySelectorAll('[data-harscrub="panel"]').length) + 'px;');
      const answer = (ok, why) => {
        if (timer !== null) N.clearTimeout(timer);
        timer = null;
        panel.remove();
        if (ok) { resolve(done); return; }
        const err = new Error(why || 'you cancelled it');
        err.cancelled = true;
        reject(err);
      };
      try {
        panel.setAttribute('data-harscrub', 'panel');
        panel.setAttribute('role', 'alertdialog');
        panel.setAttribute('aria-label', 'harscrub: upload of ' + name);
        const n = s.total;
        const head = (s.previous ? name + ' was sanitized before; harscrub removed ' + n + ' more secret' : 'harscrub removed ' + n + ' secret') +
          (n === 1 ? '' : 's') + ' (' + s.distinct + ' distinct) from ' + name + '.';
        panel.appendChild(el('div', head, 'all:initial;display:block;font:600 14px/1.45 system-ui,sans-serif;color:#1d2430;'));
        const line = el('div', '', 'all:initial;display:block;font:13px/1.45 system-ui,sans-serif;color:#5b6575;margin-top:2px;');
        line.setAttribute('data-harscrub-countdown', '');
        panel.appendChild(line);
        const button = (label, extra, fn) => {
          const b = el('button', label, BUTTON_STYLE + (extra || ''));
          b.type = 'button';
          N.addEventListener.call(b, 'click', (e) => { e.stopPropagation(); fn(e); });
          panel.appendChild(b);
          return b;
        };
        const tick = () => {
          if (!N.isConnected.call(panel)) { answer(false, 'the harscrub panel was closed before you answered'); return; }
          if (left <= 0) { answer(true); return; }
          line.textContent = 'The portal gets the sanitized copy in ' + left + ' s.';
          left--;
          timer = N.setTimeout(tick, 1000);
        };
        button('Review…', '', () => {
          // The review opens in the helper page (the token travels in the fragment, to that page only).
          N.open.call(W, SERVICE + '/#token=' + encodeURIComponent(TOKEN) + '&review=' + encodeURIComponent(s.review || ''),
            '_blank', 'noopener,noreferrer');
          if (timer !== null) N.clearTimeout(timer);
          timer = null;
          line.textContent = 'Review open in a new tab. Send the sanitized copy?';
        }).setAttribute('data-harscrub-action', 'review');
        button('Cancel upload', 'color:#b3261e;', () => answer(false)).setAttribute('data-harscrub-action', 'cancel');
        button('Upload now', 'color:#fff;background:#1f5fbf;border-color:#1f5fbf;', () => answer(true))
          .setAttribute('data-harscrub-action', 'continue');
        doc.querySelectorAll('[data-harscrub="busy"]').forEach((node) => node.remove());
        (doc.body || doc.documentElement).appendChild(panel);
        tick();
      } catch (e) {
        answer(false, 'harscrub could not ask you before the upload (' + ((e && e.message) || e) + ')');
      }
    });
  }

  function blocked(win, err) {
    if (err && err.cancelled) {
      const names = (err.names && err.names.join(', ')) || 'the file';
      notice(win, 'harscrub did not give ' + names + ' to this page: ' + err.message + '. Nothing was uploaded.', 'cancelled');
      return;
    }
    const names = (err && err.names && err.names.join(', ')) || 'a file';
    notice(win, 'harscrub blocked the upload of ' + names + ': ' + ((err && err.message) || err) +
      '\nThe raw file was not given to this page.', 'error');
  }

  function done(win, result) {
    if (!result.hars.length) return;
    const n = result.removed;
    notice(win, 'harscrub removed ' + n + ' secret' + (n === 1 ? '' : 's') + ' from ' + result.hars.join(', ') +
      ' (the page got the sanitized copy)', 'done');
  }

  function dispatch(target, event) {
    ours.add(event);
    return target.dispatchEvent(event);
  }

  function fireInputEvents(input) {
    const V = realm(input);
    dispatch(input, new V.Event('input', { bubbles: true, composed: true }));
    dispatch(input, new V.Event('change', { bubbles: true }));
  }

  // -- file inputs --------------------------------------------------------------------------------
  // Takes files nobody checked out of the input at once; they come back checked (a HAR as its
  // sanitized copy), with `input` and `change` sent again. Returns true while the input waits.
  function checkInput(input) {
    if (!isFileInput(input)) return false;
    const files = Array.from(N.inputFiles.get.call(input) || []);
    if (files.every(okForPage)) return inputJobs.has(input);
    const win = realm(input);
    const gen = ++generation;
    inputJobs.set(input, gen);
    N.inputFiles.set.call(input, listOf(win, []).files); // the raw files leave the input now
    track(processFiles(files, win)).then((result) => {
      if (inputJobs.get(input) !== gen) return; // chosen again meanwhile: that choice wins
      inputJobs.delete(input);
      N.inputFiles.set.call(input, listOf(win, result.files).files);
      fireInputEvents(input);
      done(win, result);
    }, (err) => {
      if (inputJobs.get(input) === gen) inputJobs.delete(input);
      blocked(win, err);
    });
    return true;
  }

  function onInputEvent(event) {
    if (ours.has(event)) return;
    const path = event.composedPath();
    for (const node of path) if (str(node) === '[object ShadowRoot]') guardRoot(node); // open ones, declarative too
    const input = path[0];
    if (!isFileInput(input)) return; // a closed shadow root hides it here; its own listener sees it
    if (checkInput(input)) event.stopImmediatePropagation();
  }

  // -- drops and pastes ---------------------------------------------------------------------------
  // Everything the event carries, read while it lasts (the browser empties the DataTransfer after).
  function snapshot(dt) {
    const items = [];
    const list = N.dtItems.call(dt);
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      if (item.kind !== 'file') continue;
      const file = N.getAsFile.call(item);
      if (!file) continue;
      let entry = null;
      try { entry = N.getAsEntry ? N.getAsEntry.call(item) : null; } catch (e) { /* none */ }
      items.push({ file, entry });
    }
    if (!items.length) {
      for (const file of Array.from(N.dtFiles.call(dt) || [])) items.push({ file, entry: null });
    }
    const strings = [];
    for (const type of Array.from(N.dtTypes.call(dt) || [])) {
      if (type !== 'Files') {
        try { strings.push([type, N.dtGetData.call(dt, type)]); } catch (e) { /* skip */ }
      }
    }
    return { items, strings };
  }

  function own(obj, props) {
    for (const k of Reflect.ownKeys(props)) Object.defineProperty(obj, k, { value: props[k], configurable: true, writable: true });
    return obj;
  }
  const protoOf = (win, name) => (win[name] && win[name].prototype) || Object.prototype;
  const later = (fn) => N.setTimeout(fn, 0);

  // Stand-ins for the FileSystemEntry objects of a drop: the browser gives none for a
  // DataTransfer made by script, and a page walking a dropped folder must get the checked files.
  function fakeFileEntry(win, file, fullPath) {
    const entry = Object.create(protoOf(win, 'FileSystemFileEntry'));
    own(entry, {
      [Symbol.toStringTag]: 'FileEntry',
      isFile: true, isDirectory: false, name: file.name, fullPath, filesystem: { name: 'harscrub' },
      file(ok) { later(() => ok && ok(file)); },
    });
    fakeTrees.set(entry, { file });
    return entry;
  }

  function fakeDirEntry(win, name, fullPath, children) {
    const entry = Object.create(protoOf(win, 'FileSystemDirectoryEntry'));
    const find = (path, wantDir, ok, fail) => {
      let node = entry;
      for (const part of String(path).split('/').filter((p) => p && p !== '.')) {
        const tree = fakeTrees.get(node);
        node = tree && tree.children ? tree.children.find((c) => c.name === part) : null;
        if (!node) break;
      }
      later(() => {
        if (node && node.isDirectory === wantDir) { if (ok) ok(node); }
        else if (fail) fail(errorOf(win, 'A requested file or directory could not be found.', 'NotFoundError'));
      });
    };
    own(entry, {
      [Symbol.toStringTag]: 'DirectoryEntry',
      isFile: false, isDirectory: true, name, fullPath, filesystem: { name: 'harscrub' },
      createReader() {
        let given = false;
        const reader = Object.create(protoOf(win, 'FileSystemDirectoryReader'));
        return own(reader, {
          [Symbol.toStringTag]: 'DirectoryReader',
          readEntries(ok) { later(() => { const out = given ? [] : children.slice(); given = true; if (ok) ok(out); }); },
        });
      },
      getFile(path, options, ok, fail) { find(path, false, ok, fail); },
      getDirectory(path, options, ok, fail) { find(path, true, ok, fail); },
    });
    fakeTrees.set(entry, { children });
    return entry;
  }

  function fakeHandle(win, entry) {
    const tree = fakeTrees.get(entry);
    if (tree.file) {
      const h = Object.create(protoOf(win, 'FileSystemFileHandle'));
      return own(h, {
        kind: 'file', name: entry.name,
        getFile: async () => tree.file,
        isSameEntry: async (other) => other === h,
        queryPermission: async () => 'granted',
        requestPermission: async () => 'granted',
      });
    }
    const h = Object.create(protoOf(win, 'FileSystemDirectoryHandle'));
    const kids = () => tree.children.map((c) => fakeHandle(win, c));
    const child = async (name, kind) => {
      const found = kids().find((c) => c.name === name && c.kind === kind);
      if (!found) throw errorOf(win, 'A requested file or directory could not be found.', 'NotFoundError');
      return found;
    };
    async function* entries() { for (const c of kids()) yield [c.name, c]; }
    async function* values() { for (const c of kids()) yield c; }
    async function* keys() { for (const c of kids()) yield c.name; }
    return own(h, {
      kind: 'directory', name: entry.name, entries, values, keys, [Symbol.asyncIterator]: entries,
      getFileHandle: (name) => child(name, 'file'),
      getDirectoryHandle: (name) => child(name, 'directory'),
      isSameEntry: async (other) => other === h,
      queryPermission: async () => 'granted',
      requestPermission: async () => 'granted',
    });
  }

  function readAll(dirEntry) {
    return new Promise((resolve, reject) => {
      const reader = dirEntry.createReader();
      const all = [];
      const next = () => reader.readEntries((batch) => {
        if (!batch.length) resolve(all);
        else { all.push(...batch); next(); }
      }, reject);
      next();
    });
  }

  async function walkDirectory(win, dirEntry, acc) {
    const children = [];
    for (const child of await readAll(dirEntry)) {
      if (child.isDirectory) {
        children.push(await walkDirectory(win, child, acc));
      } else if (child.isFile) {
        const raw = await new Promise((resolve, reject) => child.file(resolve, reject));
        const r = await resultOf(raw, win);
        if (r.har) { acc.hars.push(r.raw); acc.removed += r.removed; }
        children.push(fakeFileEntry(win, r.file, dirEntry.fullPath + '/' + r.file.name));
      }
    }
    return fakeDirEntry(win, dirEntry.name, dirEntry.fullPath, children);
  }

  async function cleanTransfer(win, snap) {
    const acc = { hars: [], removed: 0 };
    const dt = new (win.DataTransfer || N.DataTransfer)();
    const files = [];
    for (const { file, entry } of snap.items) {
      if (entry && entry.isDirectory) {
        const dir = await walkDirectory(win, entry, acc);
        vetted.add(file); // the browser's stand-in File for a folder: it has no content to read
        dt.items.add(file);
        fakeEntries.set(file, dir);
      } else {
        const r = await resultOf(file, win);
        if (r.har) { acc.hars.push(r.raw); acc.removed += r.removed; }
        dt.items.add(r.file);
        files.push(r.file);
        if (entry) fakeEntries.set(r.file, fakeFileEntry(win, r.file, '/' + r.file.name));
      }
    }
    for (const [type, value] of snap.strings) {
      try { dt.setData(type, value); } catch (e) { /* skip */ }
    }
    return { dt, files, hars: acc.hars, removed: acc.removed };
  }

  // The element an event was really aimed at, inside shadow roots (closed ones too).
  function deepTarget(event) {
    let target = event.composedPath()[0] || event.target;
    for (let i = 0; i < 32 && roots.has(target); i++) {
      const root = roots.get(target);
      const inner = typeof event.clientX === 'number' && event.type !== 'paste'
        ? root.elementFromPoint(event.clientX, event.clientY) : root.activeElement;
      if (!inner || inner === target) break;
      target = inner;
    }
    return target;
  }

  function onTransfer(event) {
    if (ours.has(event)) return;
    const data = event.type === 'paste' ? event.clipboardData : event.dataTransfer;
    if (!data) return;
    const snap = snapshot(data);
    if (!snap.items.length) return; // text only: nothing to check
    event.preventDefault();
    event.stopImmediatePropagation();
    const target = deepTarget(event);
    const win = realm(target);
    const init = { bubbles: true, cancelable: true, composed: true };
    for (const k of ['clientX', 'clientY', 'screenX', 'screenY', 'ctrlKey', 'shiftKey', 'altKey', 'metaKey']) {
      if (k in event) init[k] = event[k];
    }
    const names = snap.items.map((i) => i.file.name);
    track(cleanTransfer(win, snap)).then((clean) => {
      const where = target.isConnected || !target.ownerDocument ? target : target.ownerDocument;
      const V = realm(where);
      const ev = event.type === 'paste'
        ? new V.ClipboardEvent('paste', { ...init, clipboardData: clean.dt })
        : new V.DragEvent('drop', { ...init, dataTransfer: clean.dt });
      const notCanceled = dispatch(where, ev);
      if (event.type === 'drop' && notCanceled && isFileInput(where) && !where.disabled) {
        // what the browser does with a file dropped on a file input: the input takes it
        const files = where.multiple ? clean.files : clean.files.slice(0, 1);
        N.inputFiles.set.call(where, listOf(V, files).files);
        fireInputEvents(where);
      }
      done(win, clean);
    }, (err) => {
      if (!err.names) err.names = names;
      blocked(win, err);
    });
  }

  // -- forms ------------------------------------------------------------------------------------
  function fileInputsOf(form) {
    return Array.from(N.formElements.call(form) || []).filter(isFileInput);
  }

  // A submit while anything is being checked is held, then sent again (or dropped, if a check failed).
  function holdSubmit(win, form, submitter, nativeSubmit) {
    const failed = failures;
    notice(win, 'harscrub holds this form until its files are checked…', 'busy');
    whenIdle().then(() => {
      if (failures !== failed) {
        notice(win, 'harscrub did not send this form: a file in it could not be sanitized (see the other message). ' +
          'Choose the file again, then send the form.', 'error');
        return;
      }
      if (!N.isConnected.call(form)) return; // (a form's named controls can shadow its own properties)
      replaying.add(form);
      try {
        if (nativeSubmit) N.formSubmit.call(form);
        else if (submitter && N.isConnected.call(submitter) && submitter.form === form) N.requestSubmit.call(form, submitter);
        else N.requestSubmit.call(form);
      } finally {
        replaying.delete(form);
      }
    });
  }

  function onSubmit(event) {
    const form = event.composedPath()[0];
    if (!isForm(form) || replaying.has(form)) return;
    fileInputsOf(form).forEach(checkInput);
    if (!pending) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    holdSubmit(realm(form), form, event.submitter, false);
  }

  // The backstop for a form this script could not reach (a closed shadow root no script opened):
  // the browser reports the submission, with its files, before it leaves.
  function onNavigate(win, event) {
    if (!event.formData || !event.cancelable) return;
    const entries = Array.from(event.formData);
    const raw = entries.filter(([, v]) => isFile(v) && !okForPage(v)).map(([, v]) => v);
    if (!raw.length && !pending) return;
    event.preventDefault();
    if (!raw.length) {
      notice(win, 'harscrub stopped this form: a file is still being sanitized. Send it again in a moment.', 'error');
      return;
    }
    const url = event.destination.url;
    track(processFiles(raw, win)).then((result) => {
      const swap = new Map(raw.map((f, i) => [f, result.files[i]]));
      const doc = win.document;
      const form = doc.createElement('form');
      form.method = 'post';
      form.enctype = 'multipart/form-data';
      form.acceptCharset = 'utf-8';
      form.action = url;
      form.hidden = true;
      for (const [name, value] of entries) {
        const input = doc.createElement('input');
        input.name = name;
        if (isFile(value)) {
          input.type = 'file';
          N.inputFiles.set.call(input, listOf(win, [swap.get(value) || value]).files);
        } else {
          input.type = 'hidden';
          input.value = value;
        }
        form.appendChild(input);
      }
      (doc.body || doc.documentElement).appendChild(form);
      done(win, result);
      N.formSubmit.call(form);
    }, (err) => blocked(win, err));
  }

  // -- File System Access -------------------------------------------------------------------------
  // The pickers go through a file input this script owns: the page gets handles to checked files.
  function pickThroughInput(win, options, directory) {
    return new Promise((resolve, reject) => {
      const input = win.document.createElement('input');
      input.type = 'file';
      if (directory) {
        input.webkitdirectory = true;
      } else {
        input.multiple = !!(options && options.multiple);
        const accept = [];
        for (const t of (options && options.types) || []) {
          for (const [mime, exts] of Object.entries(t.accept || {})) accept.push(mime, ...[].concat(exts));
        }
        input.accept = accept.join(',');
      }
      N.addEventListener.call(input, 'cancel', () => reject(errorOf(win, 'The user aborted a request.', 'AbortError')));
      N.addEventListener.call(input, 'change', () => {
        const raw = Array.from(N.inputFiles.get.call(input) || []);
        N.inputFiles.set.call(input, listOf(win, []).files);
        track(processFiles(raw, win)).then((result) => {
          done(win, result);
          if (!directory) {
            resolve(result.files.map((f) => fakeHandle(win, fakeFileEntry(win, f, '/' + f.name))));
            return;
          }
          const top = { children: new Map() };
          raw.forEach((f, i) => {
            const parts = (f.webkitRelativePath || f.name).split('/');
            let node = top;
            for (const part of parts.slice(0, -1)) {
              if (!node.children.has(part)) node.children.set(part, { children: new Map() });
              node = node.children.get(part);
            }
            node.children.set(result.files[i].name, { file: result.files[i] });
          });
          const build = (name, node, path) => (node.file
            ? fakeFileEntry(win, node.file, path)
            : fakeDirEntry(win, name, path, [...node.children].map(([n, c]) => build(n, c, path + '/' + n))));
          const [name, node] = [...top.children][0] || ['', { children: new Map() }];
          resolve(fakeHandle(win, build(name, node, '/' + name)));
        }, (err) => {
          blocked(win, err);
          reject(errorOf(win, 'harscrub blocked this file: ' + err.message, 'AbortError'));
        });
      });
      N.inputClick.call(input);
    });
  }

  // -- frames we cannot see into --------------------------------------------------------------------
  function frameOrigin(frame) {
    try {
      const w = N.iframeWindow.call(frame);
      if (w && w.document) return null; // same-origin: guarded
    } catch (e) { /* cross-origin */ }
    try { return new URL(frame.src, frame.baseURI).origin; } catch (e) { return 'another origin'; }
  }

  function onBlur(win) {
    const frame = win.document.activeElement;
    if (!frame || (frame.localName !== 'iframe' && frame.localName !== 'frame')) return;
    const origin = frameOrigin(frame);
    if (!origin || ORIGINS.includes(origin) || warnedOrigins.has(origin)) return;
    warnedOrigins.add(origin);
    notice(win, 'harscrub cannot check files chosen or dropped in this frame from ' + origin +
      ': that origin is not allowed, so a HAR sent from there goes out as it is. To cover it, restart ' +
      'harscrub serve with --allow-origin ' + origin + ' and reinstall the userscript.', 'warn');
  }

  // -- guarding windows, shadow roots, detached inputs, frames ------------------------------------------
  function guardRoot(root) {
    if (!root || guarded.has(root)) return;
    guarded.add(root);
    const add = (type, fn) => N.addEventListener.call(root, type, fn, true);
    add('input', onInputEvent);
    add('change', onInputEvent);
    add('drop', onTransfer);
    add('paste', onTransfer);
    add('submit', onSubmit);
    if (str(root) === '[object ShadowRoot]') {
      roots.set(root.host, root);
      watchFrames(root);
    }
  }

  // The root of a node's tree: a shadow root (closed too) or the top of a detached subtree.
  function guardRootOf(node) {
    let root;
    try { root = N.getRootNode.call(node); } catch (e) { return; }
    if (root && root.nodeType !== 9) guardRoot(root);
  }

  function guardFrame(frame) {
    let w = null;
    try { w = frame.localName === 'iframe' ? N.iframeWindow.call(frame) : frame.contentWindow; } catch (e) { return; }
    if (w) guardWindow(w);
  }

  function watchFrames(node) {
    if (guarded.has(node) && node.nodeType === 9) return;
    if (node.nodeType === 9) guarded.add(node);
    const scan = (n) => {
      if (n.nodeType !== 1) return;
      if (n.localName === 'iframe' || n.localName === 'frame' || n.localName === 'object') guardFrame(n);
      if (n.firstElementChild) for (const f of n.querySelectorAll('iframe,frame,object')) guardFrame(f);
    };
    new N.MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) scan(n);
    }).observe(node, { childList: true, subtree: true });
    for (const f of node.querySelectorAll ? node.querySelectorAll('iframe,frame,object') : []) guardFrame(f);
    if (node.nodeType === 9) {
      // frames built by a script inside a frame, before this saw its document: guarded on load at the latest
      N.addEventListener.call(node, 'load', (e) => {
        const t = e.target;
        if (t && (t.localName === 'iframe' || t.localName === 'frame' || t.localName === 'object')) guardFrame(t);
      }, true);
    }
  }

  function hookGetter(proto, name, wrap) {
    const d = Object.getOwnPropertyDescriptor(proto, name);
    if (!d || !d.get) return;
    Object.defineProperty(proto, name, { ...d, get: wrap(d.get) });
  }

  function guardWindow(win) {
    try {
      if (!win || !win.document) return;
      if (Object.prototype.hasOwnProperty.call(win, MARK)) {
        watchFrames(win.document); // a reused window with a new document
        return;
      }
      Object.defineProperty(win, MARK, { value: true });
    } catch (e) {
      return; // cross-origin: out of reach
    }
    const P = (name) => win[name] && win[name].prototype;

    // file inputs: the `files` getter withholds files nobody checked (and starts their check)
    const inputProto = P('HTMLInputElement');
    Object.defineProperty(inputProto, 'files', {
      configurable: true,
      enumerable: true,
      get() {
        const list = N.inputFiles.get.call(this);
        if (!list || !list.length || inputJobs.has(this) || Array.from(list).every(okForPage)) return list;
        checkInput(this);
        throw errorOf(win, 'harscrub is checking the file chosen here; the page gets it when that is done', 'InvalidStateError');
      },
      set(value) {
        N.inputFiles.set.call(this, value);
        for (const f of Array.from(N.inputFiles.get.call(this) || [])) pageOwn.add(f);
        inputJobs.delete(this);
      },
    });
    for (const name of ['click', 'showPicker']) {
      const native = inputProto[name];
      if (typeof native !== 'function') continue;
      inputProto[name] = function () {
        if (isFileInput(this)) guardRootOf(this); // an input never attached: its events never reach the window
        return native.apply(this, arguments);
      };
    }

    // listeners: the tree of any node given an input/change/drop/paste/submit listener is guarded first
    const addEL = win.EventTarget.prototype.addEventListener;
    win.EventTarget.prototype.addEventListener = function (type, listener, options) {
      if (WATCHED.has(type) && this && this.nodeType) guardRootOf(this);
      return addEL.call(this, type, listener, options);
    };
    for (const name of ['oninput', 'onchange', 'ondrop', 'onpaste', 'onsubmit']) {
      const d = Object.getOwnPropertyDescriptor(P('HTMLElement'), name);
      if (!d || !d.set) continue;
      Object.defineProperty(P('HTMLElement'), name, {
        ...d,
        set(value) { guardRootOf(this); return d.set.call(this, value); },
      });
    }

    // shadow roots, closed ones and declarative ones a custom element opens through its internals
    const elementProto = P('Element');
    elementProto.attachShadow = function (init) {
      const root = N.attachShadow.call(this, init);
      guardRoot(root);
      return root;
    };
    if (P('ElementInternals') && N.internalsRoot) {
      hookGetter(P('ElementInternals'), 'shadowRoot', () => function () {
        const root = N.internalsRoot.call(this);
        if (root) guardRoot(root);
        return root;
      });
    }

    // drops and pastes read before this script's listener (none, normally): only checked files show
    const dtProto = P('DataTransfer');
    hookGetter(dtProto, 'files', () => function () {
      const list = N.dtFiles.call(this);
      const files = Array.from(list || []);
      if (files.every(okForPage)) return list;
      return listOf(win, files.filter(okForPage)).files;
    });
    const listProto = P('DataTransferItemList');
    const add = listProto.add;
    listProto.add = function (data) {
      if (isFile(data)) pageOwn.add(data);
      return add.apply(this, arguments);
    };
    const itemProto = P('DataTransferItem');
    itemProto.getAsFile = function () {
      const f = N.getAsFile.call(this);
      return f && !okForPage(f) ? null : f;
    };
    // Real FileSystemEntry objects never reach the page (Chromium has no global to hook their
    // file() on): a drop this script handled has stand-ins; anything else gets none.
    if (N.getAsEntry) {
      itemProto.webkitGetAsEntry = function () {
        const f = N.getAsFile.call(this);
        if (f && fakeEntries.has(f)) return fakeEntries.get(f);
        return f && okForPage(f) ? N.getAsEntry.call(this) : null;
      };
    }
    if (N.getAsHandle) {
      itemProto.getAsFileSystemHandle = function () {
        const f = N.getAsFile.call(this);
        if (f && fakeEntries.has(f)) return Promise.resolve(fakeHandle(win, fakeEntries.get(f)));
        return f && okForPage(f) ? N.getAsHandle.call(this) : Promise.resolve(null);
      };
    }
    hookGetter(inputProto, 'webkitEntries', () => function () {
      const files = Array.from(N.inputFiles.get.call(this) || []);
      return files.length && files.every(okForPage) ? files.map((f) => fakeFileEntry(win, f, '/' + f.name)) : [];
    });
    if (N.handleGetFile && P('FileSystemFileHandle')) {
      P('FileSystemFileHandle').getFile = async function () {
        const raw = await N.handleGetFile.call(this);
        try {
          const r = await resultOf(raw, win);
          if (r.har) done(win, { hars: [r.raw], removed: r.removed });
          return r.file;
        } catch (err) {
          blocked(win, err);
          throw errorOf(win, 'harscrub blocked this file: ' + err.message, 'NotReadableError');
        }
      };
    }
    if (typeof win.showOpenFilePicker === 'function') win.showOpenFilePicker = (options) => pickThroughInput(win, options, false);
    if (typeof win.showDirectoryPicker === 'function') win.showDirectoryPicker = (options) => pickThroughInput(win, options, true);

    // forms: scripted submits wait like clicked ones; FormData(form) refuses a file not checked yet
    const formProto = P('HTMLFormElement');
    formProto.submit = function () {
      if (!replaying.has(this)) {
        fileInputsOf(this).forEach(checkInput);
        if (pending) { holdSubmit(win, this, null, true); return; }
      }
      return N.formSubmit.call(this);
    };
    win.FormData = new Proxy(win.FormData, {
      construct(target, args, newTarget) {
        const form = args[0];
        if (isForm(form) && !replaying.has(form) && fileInputsOf(form).filter(checkInput).length) {
          notice(win, 'harscrub is still sanitizing a file of this form; send it again in a moment.', 'busy');
          throw errorOf(win, 'harscrub is sanitizing a file of this form', 'InvalidStateError');
        }
        return Reflect.construct(target, args, newTarget);
      },
    });
    if (win.navigation && typeof win.navigation.addEventListener === 'function') {
      N.addEventListener.call(win.navigation, 'navigate', (e) => onNavigate(win, e));
    }

    // same-origin frames: guarded by this window as soon as they exist, before their scripts run
    // (a frame's first window is kept when it loads a same-origin srcdoc, blob: or URL document)
    for (const name of ['HTMLIFrameElement', 'HTMLFrameElement', 'HTMLObjectElement']) {
      const proto = P(name);
      if (!proto) continue;
      hookGetter(proto, 'contentWindow', (get) => function () {
        const w = get.call(this);
        if (w) guardWindow(w);
        return w;
      });
      hookGetter(proto, 'contentDocument', (get) => function () {
        const d = get.call(this);
        if (d && d.defaultView) guardWindow(d.defaultView);
        return d;
      });
    }
    const open = win.open;
    win.open = function () {
      const w = open.apply(this, arguments);
      if (w) guardWindow(w);
      return w;
    };

    guardRoot(win);
    N.addEventListener.call(win, 'DOMContentLoaded', () => watchFrames(win.document), true);
    N.addEventListener.call(win, 'blur', () => onBlur(win));
    watchFrames(win.document);
  }

  guardWindow(window);
})();
