// The entry preview: one entry of the file before and after, side by side, all in this tab.
// "Before" is read from the user's own file (the browser's copy: nothing is asked of the
// service); it is drawn from the sanitized text, with a masked chip where each placeholder is,
// so it shows no secret until the user clicks a chip to reveal that one value. Where a field
// changed in a way the placeholders cannot explain, the whole field is one chip.
'use strict';
window.HarscrubPreview = (function () {
  const PLACEHOLDER = /\[REDACTED:([a-z0-9.-]+):([0-9a-f]{10})\]/g;
  const BODY_CHARS = 2000; // the first part of each body
  const LIST_MAX = 200; // entries listed at once

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  async function readHar(blob) {
    const head = new Uint8Array(await blob.slice(0, 2).arrayBuffer());
    let text;
    if (head[0] === 0x1f && head[1] === 0x8b) {
      text = await new Response(blob.stream().pipeThrough(new DecompressionStream('gzip'))).text();
    } else {
      text = await blob.text();
    }
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  }

  // -- aligning a field before and after ------------------------------------------------------
  // after = seg0 PH1 seg1 PH2 … segN; the segments are in `before` too, in order, and the text
  // between them is what each placeholder replaced. Returns [{text}|{rule, fp, original}] or null.
  function split(after) {
    const segs = [];
    const holes = [];
    let at = 0;
    for (const m of after.matchAll(PLACEHOLDER)) {
      segs.push(after.slice(at, m.index));
      holes.push({ rule: m[1], fp: m[2] });
      at = m.index + m[0].length;
    }
    segs.push(after.slice(at));
    return { segs, holes };
  }

  function byLength(before, segs, holes, lengthOf) {
    if (!before.startsWith(segs[0])) return null;
    let pos = segs[0].length;
    const originals = [];
    for (let i = 0; i < holes.length; i++) {
      const n = lengthOf(holes[i].fp);
      if (!n) return null;
      originals.push(before.substr(pos, n));
      pos += n;
      if (!before.startsWith(segs[i + 1], pos)) return null;
      pos += segs[i + 1].length;
    }
    return pos === before.length ? originals : null;
  }

  function byOrder(before, segs, holes) {
    if (!before.startsWith(segs[0])) return null;
    let pos = segs[0].length;
    const originals = [];
    for (let i = 0; i < holes.length; i++) {
      const next = segs[i + 1];
      let end;
      if (i === holes.length - 1) {
        if (!before.endsWith(next)) return null;
        end = before.length - next.length;
      } else {
        if (!next) return null; // two placeholders side by side: no way to tell where one ends
        end = before.indexOf(next, pos + 1);
      }
      if (end <= pos) return null;
      originals.push(before.slice(pos, end));
      pos = end + next.length;
    }
    return originals;
  }

  function align(before, after, lengthOf) {
    if (before === after) return { parts: [{ text: after }] };
    const { segs, holes } = split(after);
    if (!holes.length) return { whole: true };
    const originals = byLength(before, segs, holes, lengthOf) || byOrder(before, segs, holes);
    if (!originals) return { whole: true, holes };
    const parts = [];
    holes.forEach((h, i) => {
      if (segs[i]) parts.push({ text: segs[i] });
      parts.push({ rule: h.rule, fp: h.fp, original: originals[i] });
    });
    if (segs[segs.length - 1]) parts.push({ text: segs[segs.length - 1] });
    return { parts };
  }

  // -- drawing ------------------------------------------------------------------------------------
  // The text of `after` up to `limit` characters, as parts; a placeholder counts for its length.
  function clip(parts, limit) {
    const out = [];
    let used = 0;
    for (const p of parts) {
      const size = p.text !== undefined ? p.text.length : 40;
      if (used + size > limit) {
        if (p.text !== undefined) out.push({ text: p.text.slice(0, Math.max(0, limit - used)) });
        return { parts: out, clipped: true };
      }
      out.push(p);
      used += size;
    }
    return { parts: out, clipped: false };
  }

  function chip(label, original, title) {
    const button = el('button', 'chip', label);
    button.type = 'button';
    button.title = title;
    button.setAttribute('aria-pressed', 'false');
    button.addEventListener('click', () => {
      const shown = button.getAttribute('aria-pressed') === 'true';
      button.textContent = shown ? label : original; // the value exists in the page only from this click on
      button.setAttribute('aria-pressed', String(!shown));
      button.classList.toggle('revealed', !shown);
    });
    return button;
  }

  function drawAfter(value, limit) {
    const box = el('div', 'value');
    const { parts, clipped } = clip(partsOfAfter(value), limit);
    for (const p of parts) {
      if (p.text !== undefined) box.appendChild(document.createTextNode(p.text));
      else box.appendChild(el('span', 'ph', '[REDACTED:' + p.rule + ':' + p.fp + ']'));
    }
    if (clipped) box.appendChild(el('span', 'clipped', ' … (' + (value.length - limit) + ' more characters)'));
    return box;
  }

  function partsOfAfter(value) {
    const { segs, holes } = split(value);
    const parts = [];
    holes.forEach((h, i) => {
      if (segs[i]) parts.push({ text: segs[i] });
      parts.push(h);
    });
    if (segs[segs.length - 1]) parts.push({ text: segs[segs.length - 1] });
    return parts;
  }

  function drawBefore(before, after, limit, rows) {
    const box = el('div', 'value');
    const lengthOf = (fp) => (rows.get(fp) || {}).length;
    const aligned = align(before, after, lengthOf);
    if (aligned.whole) {
      const shown = before.length > limit ? before.slice(0, limit) + ' … (' + (before.length - limit) + ' more characters)' : before;
      box.appendChild(chip('●●●● changed by harscrub: show the original', shown, 'Click to show what your file holds here'));
      return box;
    }
    const { parts, clipped } = clip(aligned.parts, limit);
    for (const p of parts) {
      if (p.text !== undefined) {
        box.appendChild(document.createTextNode(p.text));
      } else {
        const row = rows.get(p.fp);
        const label = '●●●● ' + p.rule + (row ? ' · ' + row.preview : '');
        box.appendChild(chip(label, p.original, 'Click to show this value (click again to hide it)'));
      }
    }
    if (clipped) box.appendChild(el('span', 'clipped', ' … (' + (before.length - limit) + ' more characters)'));
    return box;
  }

  // The fields shown of one entry, as [section, [[label, text], …]]; the same shape before and after.
  function fields(entry) {
    const req = entry.request || {};
    const res = entry.response || {};
    const pairs = (list, sep) => (Array.isArray(list) ? list : []).map((h) => [String(h && h.name), String(h && h.name) + sep + String(h && h.value)]);
    const body = (text) => (typeof text === 'string' && text ? [['body', text]] : []);
    return [
      ['Request', [['line', [req.method, req.url, req.httpVersion].filter((x) => x !== undefined).join(' ')]]],
      ['Request headers', pairs(req.headers, ': ')],
      ['Request cookies', pairs(req.cookies, '=')],
      ['Request body', body(req.postData && req.postData.text)],
      ['Response', [['line', [res.httpVersion, res.status, res.statusText].filter((x) => x !== undefined && x !== '').join(' ')]]],
      ['Response headers', pairs(res.headers, ': ')],
      ['Response cookies', pairs(res.cookies, '=')],
      ['Response body', body(res.content && res.content.text)],
    ];
  }

  function drawEntry(target, before, after, rows) {
    target.replaceChildren();
    const fb = fields(before || {});
    const fa = fields(after || {});
    const cols = el('div', 'cols');
    const left = el('div', 'col before');
    const right = el('div', 'col after');
    left.appendChild(el('h4', null, 'Before: your file, secrets masked'));
    right.appendChild(el('h4', null, 'After: what you share'));
    fa.forEach(([title, linesAfter], s) => {
      const linesBefore = fb[s][1];
      if (!linesAfter.length && !linesBefore.length) return;
      left.appendChild(el('h5', null, title));
      right.appendChild(el('h5', null, title));
      const limit = title.endsWith('body') ? BODY_CHARS : 100000;
      const n = Math.max(linesAfter.length, linesBefore.length);
      for (let i = 0; i < n; i++) {
        const a = linesAfter[i];
        const b = linesBefore[i];
        if (a && b) left.appendChild(drawBefore(b[1], a[1], limit, rows));
        else if (b) left.appendChild(drawBefore(b[1], '', limit, rows));
        else left.appendChild(el('div', 'value missing', '(not in your file)'));
        right.appendChild(a ? drawAfter(a[1], limit) : el('div', 'value missing', '(removed)'));
      }
    });
    cols.appendChild(left);
    cols.appendChild(right);
    target.appendChild(cols);
  }

  // -- the preview pane ----------------------------------------------------------------------------
  // opts: {list, search, view, status}: elements; original(): the user's File or null;
  // sanitized(): the current sanitized Blob; rows: Map fingerprint -> review row.
  function create(opts) {
    let before = null; // parsed original, kept for the file
    let after = null;
    let afterBlob = null;
    let shown = null;

    async function load() {
      const blob = opts.sanitized();
      if (!blob) throw new Error('no sanitized file yet');
      if (!before) {
        opts.status('Reading your file in this tab…');
        before = await readHar(opts.original());
      }
      if (afterBlob !== blob) {
        after = await readHar(blob);
        afterBlob = blob;
      }
      opts.status('');
    }

    function entries() { return (after && after.log && Array.isArray(after.log.entries)) ? after.log.entries : []; }

    function matches(e, q) {
      if (!q) return true;
      const status = String((e.response || {}).status);
      if (/^\d{1,3}$/.test(q)) return status.startsWith(q);
      if (/^[1-5]xx$/i.test(q)) return status[0] === q[0];
      return String((e.request || {}).url || '').toLowerCase().includes(q.toLowerCase());
    }

    function list() {
      const q = opts.search.value.trim();
      const ul = opts.list;
      ul.replaceChildren();
      let count = 0;
      entries().forEach((e, i) => {
        if (!matches(e, q)) return;
        count++;
        if (count > LIST_MAX) return;
        const li = el('li');
        const button = el('button', 'entry' + (i === shown ? ' current' : ''));
        button.type = 'button';
        button.dataset.entry = String(i);
        button.appendChild(el('span', 'idx', '#' + i));
        const st = (e.response || {}).status;
        button.appendChild(el('span', 'status s' + String(st)[0], String(st)));
        button.appendChild(el('span', 'method', String((e.request || {}).method || '')));
        button.appendChild(el('span', 'url', String((e.request || {}).url || '')));
        button.addEventListener('click', () => show(i));
        li.appendChild(button);
        ul.appendChild(li);
      });
      if (count > LIST_MAX) ul.appendChild(el('li', 'more', (count - LIST_MAX) + ' more: narrow the search'));
      if (!count) ul.appendChild(el('li', 'more', 'No entry matches.'));
    }

    async function open() {
      await load();
      list();
      if (shown === null && entries().length) show(0);
    }

    async function show(i) {
      await load();
      shown = i;
      const b = before && before.log && Array.isArray(before.log.entries) ? before.log.entries[i] : null;
      drawEntry(opts.view, b, entries()[i], opts.rows());
      opts.view.dataset.entry = String(i);
      for (const button of opts.list.querySelectorAll('button.entry')) {
        button.classList.toggle('current', button.dataset.entry === String(i));
      }
    }

    function reset(keepOriginal) {
      if (!keepOriginal) before = null;
      after = null;
      afterBlob = null;
      shown = null;
      opts.view.replaceChildren();
      opts.list.replaceChildren();
    }

    async function refresh() {
      if (shown === null) return;
      const i = shown;
      await load();
      list();
      await show(i);
    }

    opts.search.addEventListener('input', list);
    return { open, show, reset, refresh };
  }

  return { create, align };
})();
