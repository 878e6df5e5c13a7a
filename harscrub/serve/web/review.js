// The review list: one card per distinct secret, grouped by kind, the most severe kinds first,
// each with a keep toggle. Only what the service reported is shown (kind, severity, masked
// preview, places): no value. Also the decisions as a .harscrubignore for next time.
'use strict';
window.HarscrubReview = (function () {
  const SEVERITIES = ['critical', 'high', 'medium', 'low'];
  const rank = (s) => { const i = SEVERITIES.indexOf(s); return i < 0 ? SEVERITIES.length : i; };
  const plural = (n, word, many) => n + ' ' + (n === 1 ? word : (many || word + 's'));

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // What a secret is, in one line: for the card, the confirmation and the ignore file.
  function describe(row) {
    return row.rule + ' (' + row.severity + ', ' + (row.strong ? 'strong: found by its shape or randomness' : 'weak: found by its place') + ')';
  }

  function needsConfirmation(row) {
    return row.severity === 'critical' || row.strong;
  }

  // Groups by kind: the kinds with the most severe secret first, then the most frequent.
  function groups(rows) {
    const byRule = new Map();
    for (const row of rows) {
      if (!byRule.has(row.rule)) byRule.set(row.rule, []);
      byRule.get(row.rule).push(row);
    }
    const list = [...byRule].map(([rule, items]) => ({
      rule,
      items: items.sort((a, b) => rank(a.severity) - rank(b.severity) || b.count - a.count),
      worst: Math.min(...items.map((r) => rank(r.severity))),
      count: items.reduce((n, r) => n + r.count, 0),
    }));
    return list.sort((a, b) => a.worst - b.worst || b.count - a.count || a.rule.localeCompare(b.rule));
  }

  // rows: the review's secrets; kept: Set of fingerprints; opts: {readOnly, onToggle(row, checkbox), onPlace(entry)}
  function render(container, rows, kept, opts) {
    container.replaceChildren();
    if (!rows.length) {
      container.appendChild(el('p', 'empty', 'Nothing to review: no secret was found in this file.'));
      return;
    }
    for (const group of groups(rows)) {
      const section = el('section', 'group');
      section.dataset.rule = group.rule;
      const head = el('h3', 'group-head');
      head.appendChild(el('span', 'rule', group.rule));
      head.appendChild(el('span', 'sev ' + SEVERITIES[group.worst], SEVERITIES[group.worst]));
      head.appendChild(el('span', 'group-count', plural(group.items.length, 'secret') + ', ' +
        plural(group.count, 'occurrence')));
      section.appendChild(head);
      const list = el('ul', 'secrets');
      for (const row of group.items) list.appendChild(card(row, kept, opts));
      section.appendChild(list);
      container.appendChild(section);
    }
  }

  function card(row, kept, opts) {
    const li = el('li', 'secret' + (kept.has(row.fingerprint) ? ' kept' : ''));
    li.dataset.fingerprint = row.fingerprint;
    const what = el('div', 'what');
    what.appendChild(el('code', 'preview', row.preview));
    what.appendChild(el('span', 'sev ' + row.severity, row.severity));
    const badge = el('span', 'badge ' + (row.strong ? 'strong' : 'weak'), row.strong ? 'strong' : 'weak: by its place');
    badge.title = row.strong ? 'Found by its shape or its randomness: very likely a secret'
      : 'Found only by where it sits (the name it is under): check it is one';
    what.appendChild(badge);
    const others = Object.keys(row.rules || {}).filter((r) => r !== row.rule);
    if (others.length) what.appendChild(el('span', 'also', 'also ' + others.join(', ')));
    li.appendChild(what);

    const where = el('div', 'where');
    const places = el('ul', 'places');
    for (const p of row.places) {
      const item = el('li');
      if (p.entry !== null && p.entry !== undefined && opts.onPlace) {
        const link = el('button', 'link', 'entry ' + p.entry);
        link.type = 'button';
        link.title = 'Show this entry before and after';
        link.addEventListener('click', () => opts.onPlace(p.entry));
        item.appendChild(link);
        item.appendChild(document.createTextNode(': ' + p.where));
      } else {
        item.textContent = (p.entry !== null && p.entry !== undefined ? 'entry ' + p.entry + ': ' : '') + p.where;
      }
      places.appendChild(item);
    }
    if (row.more_places) places.appendChild(el('li', 'more', '+' + plural(row.more_places, 'more occurrence')));
    where.appendChild(places);
    li.appendChild(where);

    const side = el('div', 'side');
    side.appendChild(el('span', 'count', plural(row.count, 'time') + (row.entry_count ? ' in ' + plural(row.entry_count, 'entry', 'entries') : '')));
    const label = el('label', 'keep');
    const box = el('input');
    box.type = 'checkbox';
    box.checked = kept.has(row.fingerprint);
    box.disabled = !!opts.readOnly;
    box.setAttribute('aria-label', 'Keep ' + row.rule + ' ' + row.preview + ' in the file');
    box.addEventListener('change', () => opts.onToggle(row, box));
    label.appendChild(box);
    label.appendChild(document.createTextNode(' keep'));
    side.appendChild(label);
    li.appendChild(side);
    return li;
  }

  // The kept fingerprints as a .harscrubignore (one a line, # comments), for `harscrub check`.
  function ignoreFile(rows, kept, name, persistentKey) {
    const lines = ['# harscrub: secrets reviewed and kept in ' + name + ' (' + new Date().toISOString().slice(0, 10) + ')'];
    if (!persistentKey) {
      lines.push('# These fingerprints were made with this run\'s key: they match later runs only');
      lines.push('# when harscrub is given a lasting key (key-file in the settings).');
    }
    for (const row of rows) {
      if (kept.has(row.fingerprint)) lines.push(row.fingerprint + '  # ' + describe(row) + ', ' + row.places.map((p) => p.where).slice(0, 1).join(''));
    }
    return lines.join('\n') + '\n';
  }

  return { render, describe, needsConfirmation, ignoreFile, plural, SEVERITIES };
})();
