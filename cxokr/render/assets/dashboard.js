// The cxokr dashboard: builds the page from the embedded report document.
// Every piece of user text goes in with textContent or setAttribute, never as
// HTML; the page's Content-Security-Policy enforces Trusted Types to keep it so.
(() => {
  'use strict';

  const STATUSES = ['done', 'on track', 'at risk', 'off track', 'no data'];
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const DAY_MS = 86400000;
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const DASH = '\u2013';
  const ARROW = '\u2192';
  const DOT = ' \u00b7 ';
  const ATTENTION_SHOWN = 25; // items listed before "Show all"
  const DOTS_UP_TO = 16; // values in a trend chart that each get a dot

  // --- Small helpers ---------------------------------------------------------------------

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function add(parent, ...children) {
    for (const child of children) {
      if (child) parent.appendChild(child);
    }
    return parent;
  }

  function svg(tag, attributes, className) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, String(value));
    if (className) node.setAttribute('class', className);
    return node;
  }

  function slug(text) {
    return String(text).replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  }

  function statusClass(status) {
    return 's-' + slug(status);
  }

  // A dropped or postponed objective and its key results are deprioritised: shown with
  // their figures, but in no status's colour, count or filter.
  const DEPRIORITISED = 'deprioritised';
  function shownStatus(row) {
    return row.state === undefined || row.state === 'active' ? row.status : DEPRIORITISED;
  }

  // A fraction as a whole percent, rounded half to even like the Markdown report.
  function pct(value) {
    if (value === null || value === undefined) return DASH;
    const x = value * 100;
    let rounded = Math.round(x);
    if (Math.abs(x - Math.trunc(x)) === 0.5) rounded = 2 * Math.round(x / 2);
    return (rounded === 0 ? 0 : rounded) + '%';
  }

  // Numbers are grouped in thousands the same way in every browser, whatever its language:
  // 150,000 and 1,234.5, as the text report writes them. The embedded data keeps the raw value.
  const GROUPED = new Intl.NumberFormat('en-US', { maximumFractionDigits: 20 });
  const WHOLE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

  // Up to six significant digits, grouped, no exponent for large or small values.
  function num(value) {
    if (value === null || value === undefined) return DASH;
    if (Math.abs(value) >= 999999.5) return WHOLE.format(value);
    const rounded = Number(value.toPrecision(6));
    return rounded === 0 ? '0' : GROUPED.format(rounded);
  }

  // A count of things (key results, objectives), grouped like any other number.
  function tally(value) {
    return WHOLE.format(value || 0);
  }

  // Two decimals like Python's format(value, '.2f'): toFixed rounds an exact tie (k/8, k odd:
  // 0.125, 0.375, ...) up, Python to even. Multiplying by 8 or 4 is exact, so the test is too.
  function fixed2(value) {
    if (Number.isInteger(value * 8) && !Number.isInteger(value * 4)) {
      const low = Math.floor(value * 100);
      return ((low % 2 === 0 ? low : low + 1) / 100).toFixed(2);
    }
    return value.toFixed(2);
  }

  function f2(n) {
    return Math.round(n * 100) / 100;
  }

  function clamp01(value) {
    return Math.min(1, Math.max(0, value || 0));
  }

  function dayNumber(iso) {
    const [y, m, d] = iso.split('-').map(Number);
    return Date.UTC(y, m - 1, d) / DAY_MS;
  }

  function shortDate(iso) {
    const [, m, d] = iso.split('-').map(Number);
    return MONTHS[m - 1] + ' ' + d;
  }

  function withUnit(text, unit) {
    if (!unit) return text;
    return unit === '%' ? text + '%' : text + ' ' + unit;
  }

  function shortRef(ref) {
    const colon = ref.indexOf(':');
    return colon < 0 ? ref : ref.slice(colon + 1);
  }

  function teamOf(ref) {
    return shortRef(ref).split('/')[0];
  }

  function readJson(id) {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function bar(progress, expected, status, label) {
    const node = el('div', 'bar ' + statusClass(status));
    node.setAttribute('role', 'img');
    node.setAttribute('aria-label', label);
    const fill = el('span', 'fill');
    fill.style.width = clamp01(progress) * 100 + '%';
    node.appendChild(fill);
    if (expected !== null && expected !== undefined) {
      const mark = el('span', 'mark');
      mark.style.left = clamp01(expected) * 100 + '%';
      mark.title = 'expected ' + pct(expected);
      node.appendChild(mark);
    }
    return node;
  }

  // A name that wraps only between its words: each word is kept whole (a hyphen is no place
  // to break "E-commerce" either), and the text reads and copies exactly as written.
  function unbroken(className, text) {
    const node = el('div', className);
    for (const part of String(text).split(/(\s+)/)) {
      if (!part) continue;
      node.appendChild(/^\s+$/.test(part) ? document.createTextNode(part) : el('span', 'word', part));
    }
    node.title = text;
    return node;
  }

  function pill(text, className) {
    return el('span', 'pill ' + className, text);
  }

  function capitalised(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  // A line of words beside the numbers (a check-in note, a reason, a retro): its label,
  // then the text as written, line breaks kept, never read as markup.
  function remark(className, label, text) {
    const node = el('p', 'remark ' + className);
    add(node, el('span', 'remark-label', label), el('span', 'remark-text', text));
    return node;
  }

  // What a key result measures, in its own words: a checklist's items, a score, a value.
  function headline(kr) {
    if (kr.type === 'checklist') {
      const items = kr.items || [];
      const done = items.filter((i) => i.done).length;
      const text = done + ' of ' + items.length + (items.length === 1 ? ' item' : ' items') + ' done';
      if (items.every((i) => i.weight === 1)) return text;
      return text + ' (weight ' + num(kr.value === null ? 0 : kr.value) + ' of ' + num(kr.target) + ')';
    }
    if (kr.type === 'score') return kr.value === null ? 'no score yet' : 'score ' + num(kr.value) + ' of 1';
    if (kr.type === 'done') return kr.progress === 1 ? 'done' : 'not done yet';
    if (kr.relative) return kr.value === null ? 'no value yet' : withUnit(num(kr.value), kr.unit); // the target follows
    const line = { stay_below: '\u2264 ', stay_above: '\u2265 ' }[kr.type] || '';
    return withUnit(num(kr.value) + ' ' + ARROW + ' ' + line + num(kr.target), kr.unit);
  }

  // A target written relative to its start, shown both ways: "+10% -> 61.6 USD".
  function relativeTarget(kr) {
    if (kr.target === null) return 'target ' + kr.relative + ' of a start not read yet';
    const from = kr.start === null ? '' : ' (from ' + num(kr.start) + ')';
    return 'target ' + kr.relative + ' ' + ARROW + ' ' + withUnit(num(kr.target), kr.unit) + from;
  }

  function owners(row) {
    const names = row.owners || [];
    return names.length > 1 ? 'owners ' + names.join(', ') : row.owner;
  }

  // --- The page ------------------------------------------------------------------------------

  class Dashboard {
    constructor(data, context) {
      this.data = data;
      this.context = context || {};
      this.spans = new Map((this.context.periods || []).map((p) => [p.id, p]));
      this.rows = new Map(data.objectives.map((o) => [o.ref, o]));
      this.statusOf = new Map();
      this.segmentOf = new Map();
      for (const o of data.objectives) {
        for (const kr of o.key_results) {
          this.statusOf.set(kr.ref, kr.status);
          if (kr.segment) this.segmentOf.set(kr.ref, kr.segment);
        }
      }
      this.teamNames = new Map(data.teams.map((t) => [t.id, t.name]));
      this.articles = [];
    }

    teamName(id) {
      return this.teamNames.get(id) || id;
    }

    render(root) {
      const page = el('div', 'page');
      const filters = this.filterBar();
      add(page, this.header(), filters);
      // What stays in view on scrolling keeps clear of the filter bar, however many lines it takes.
      if (window.ResizeObserver) {
        new ResizeObserver(() => page.style.setProperty('--below-filters', filters.offsetHeight + 16 + 'px'))
          .observe(filters);
      }
      // What needs attention comes first in the page's order, so a phone shows it before the
      // objectives; on a wide screen the grid sets it beside them (dashboard.css, "Layout").
      const layout = el('div', 'layout');
      add(layout, this.attentionSection(), this.decisionSection(), this.treeSection(), this.teamsSection(), this.matrixSection(),
        this.driverSection());
      add(page, layout, this.footer());
      root.replaceChildren(page);
      this.readHash();
      this.apply();
    }

    // --- Header figures ---

    header() {
      const data = this.data;
      const head = el('header');
      add(head, el('h1', null, data.organization || 'OKR report'));
      const parts = ['OKR report ' + data.period.id, 'as of ' + data.as_of];
      if (data.period.closed) parts.push('closed ' + data.period.closed);
      const applied = ['team', 'level', 'owner', 'segment']
        .filter((name) => data.filters[name] !== null && data.filters[name] !== undefined)
        .map((name) => name + ' ' + data.filters[name]);
      if (applied.length) parts.push('filtered by ' + applied.join(', '));
      add(head, el('p', 'subtitle', parts.join(DOT)));

      const figures = el('div', 'figures');
      const org = this.figure('Organization', pct(data.progress), 'org-progress');
      org.appendChild(bar(data.progress, data.organization_expected, this.orgStatus(), 'organization progress ' + pct(data.progress)));
      org.appendChild(el('div', 'caption', 'expected ' + pct(data.organization_expected) + ' by today'));

      const period = this.figure('Period', data.period.id, 'period-id');
      period.appendChild(el('div', 'caption', shortDate(data.period.start) + ' ' + DASH + ' ' +
        shortDate(data.period.end) + ', ' + data.period.end.slice(0, 4)));
      period.appendChild(el('div', 'caption', 'day ' + data.day + ' of ' + data.days));

      const total = STATUSES.reduce((sum, s) => sum + (data.counts[s] || 0), 0);
      const krs = this.figure('Key results', tally(total), 'kr-total');
      const stack = el('div', 'stack');
      stack.setAttribute('role', 'img');
      stack.setAttribute('aria-label', STATUSES.map((s) => tally(data.counts[s]) + ' ' + s).join(', '));
      const legend = el('ul', 'legend');
      for (const status of STATUSES) {
        const count = data.counts[status] || 0;
        if (count && total) {
          const part = el('span', statusClass(status));
          part.style.width = (count / total) * 100 + '%';
          part.title = tally(count) + ' ' + status;
          stack.appendChild(part);
        }
        const item = el('li');
        const value = el('strong', null, tally(count));
        value.id = 'count-' + slug(status);
        add(item, el('span', 'dot ' + statusClass(status)), value, document.createTextNode(status));
        legend.appendChild(item);
      }
      add(krs, stack, legend);

      const flagged = new Set(data.attention.map((a) => a.ref)).size;
      const attention = this.figure('Needs attention', tally(flagged), 'attention-total');
      attention.appendChild(el('div', 'caption', flagged === 1 ? 'key result' : 'key results'));
      const kinds = new Map();
      for (const a of data.attention) kinds.set(a.kind, (kinds.get(a.kind) || 0) + 1);
      if (kinds.size) {
        attention.appendChild(el('div', 'caption',
          Array.from(kinds, ([kind, count]) => tally(count) + ' ' + kind).join(DOT)));
      }
      add(figures, org, period, krs, attention);
      head.appendChild(figures);
      return head;
    }

    figure(label, value, id) {
      const card = el('div', 'card figure');
      const big = el('div', 'big', value);
      big.id = id;
      add(card, el('div', 'label', label), big);
      return card;
    }

    orgStatus() {
      const p = this.data.progress;
      if (p === null || p === undefined) return 'no data';
      if (p >= 1) return 'done';
      const expected = this.data.organization_expected;
      // Compared with the thresholds as shown, to two decimals, as the report does (a pace
      // of 0.896 reads 0.90 and is on track at 0.9).
      const pace = expected ? Number(fixed2(p / expected)) : 1;
      const t = this.data.thresholds;
      return pace >= t.on_track ? 'on track' : pace >= t.at_risk ? 'at risk' : 'off track';
    }

    // --- Filters ---

    filterBar() {
      const bar_ = el('div', 'filters');
      bar_.setAttribute('role', 'search');
      const label = el('label', null, 'Team');
      const select = el('select');
      select.id = 'filter-team';
      select.appendChild(this.option('', 'All teams'));
      const listed = new Set(this.data.objectives.filter((o) => !o.context).map((o) => o.team));
      const ordered = this.data.teams.map((t) => t.id).filter((id) => listed.has(id));
      for (const id of Array.from(listed).sort()) if (!ordered.includes(id)) ordered.push(id);
      for (const id of ordered) {
        const name = this.teamName(id);
        select.appendChild(this.option(id, name === id ? id : name + ' (' + id + ')'));
      }
      select.addEventListener('change', () => this.changed());
      label.appendChild(select);
      this.teamSelect = select;
      const segmentLabel = this.segmentFilter();

      const group = el('div', 'group');
      group.setAttribute('role', 'group');
      group.setAttribute('aria-label', 'Status');
      group.appendChild(el('span', 'group-label', 'Status'));
      this.chips = STATUSES.map((status) => {
        const chip = el('button', 'chip ' + statusClass(status));
        chip.type = 'button';
        chip.dataset.status = status;
        chip.setAttribute('aria-pressed', 'true');
        add(chip, el('span', 'dot'), document.createTextNode(status + ' ' + tally(this.data.counts[status])));
        chip.addEventListener('click', () => {
          chip.setAttribute('aria-pressed', chip.getAttribute('aria-pressed') === 'true' ? 'false' : 'true');
          this.changed();
        });
        group.appendChild(chip);
        return chip;
      });
      const reset = el('button', 'reset', 'Show all');
      reset.type = 'button';
      reset.id = 'filter-reset';
      reset.addEventListener('click', () => {
        this.teamSelect.value = '';
        if (this.segmentSelect) this.segmentSelect.value = '';
        for (const chip of this.chips) chip.setAttribute('aria-pressed', 'true');
        this.changed();
      });
      const summary = el('span');
      summary.id = 'filter-summary';
      summary.setAttribute('aria-live', 'polite');
      this.summary = summary;
      add(bar_, label, segmentLabel, group, reset, summary);
      return bar_;
    }

    // One channel's view: the key results on a segment, and their objectives. Offered when
    // key results name segments; null (no control) when none does.
    segmentFilter() {
      const segments = new Set();
      for (const o of this.data.objectives) {
        if (!o.context) for (const kr of o.key_results) if (kr.segment) segments.add(kr.segment);
      }
      this.segmentSelect = null;
      if (!segments.size) return null;
      const label = el('label', null, 'Segment');
      const select = el('select');
      select.id = 'filter-segment';
      select.appendChild(this.option('', 'All segments'));
      for (const segment of Array.from(segments).sort()) select.appendChild(this.option(segment, segment));
      select.addEventListener('change', () => this.changed());
      label.appendChild(select);
      this.segmentSelect = select;
      return label;
    }

    option(value, text) {
      const node = el('option', null, text);
      node.value = value;
      return node;
    }

    wanted() {
      return new Set(this.chips.filter((c) => c.getAttribute('aria-pressed') === 'true').map((c) => c.dataset.status));
    }

    changed() {
      this.apply();
      this.writeHash();
    }

    // The filters live in the address's fragment, so a bookmark or a shared link keeps them.
    readHash() {
      const params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
      const team = params.get('team');
      if (team && Array.from(this.teamSelect.options).some((o) => o.value === team)) this.teamSelect.value = team;
      const segment = params.get('segment');
      const select = this.segmentSelect;
      if (segment && select && Array.from(select.options).some((o) => o.value === segment)) select.value = segment;
      const status = params.get('status');
      if (status !== null) {
        const chosen = new Set(status.split(',').map((s) => s.replace(/-/g, ' ')));
        for (const chip of this.chips) chip.setAttribute('aria-pressed', String(chosen.has(chip.dataset.status)));
      }
    }

    writeHash() {
      const params = new URLSearchParams();
      if (this.teamSelect.value) params.set('team', this.teamSelect.value);
      if (this.segmentSelect && this.segmentSelect.value) params.set('segment', this.segmentSelect.value);
      const wanted = this.wanted();
      if (wanted.size !== STATUSES.length) params.set('status', Array.from(wanted, slug).join(','));
      const hash = params.toString();
      try {
        window.history.replaceState(null, '', hash ? '#' + hash : window.location.pathname + window.location.search);
      } catch (e) {
        // Some browsers refuse history changes on file: pages; the filters still work.
      }
    }

    // A status filter shows the rows of the statuses chosen; deprioritised rows have none,
    // and show only while no status is filtered out.
    matches(wanted, status) {
      return wanted.has(status) || (status === DEPRIORITISED && wanted.size === STATUSES.length);
    }

    apply() {
      const team = this.teamSelect.value;
      const segment = this.segmentSelect ? this.segmentSelect.value : '';
      const wanted = this.wanted();
      const counted = { shown: 0, total: 0 };
      const visit = (article) => {
        const teamOk = !team || article.dataset.team === team;
        const context = article.classList.contains('context');
        let anyKr = false;
        let hiddenKrs = 0;
        for (const li of article.querySelectorAll(':scope > .krs > .kr')) {
          const segmentOk = !segment || li.dataset.segment === segment;
          const ok = teamOk && segmentOk && this.matches(wanted, li.dataset.status);
          li.hidden = !ok;
          counted.total += 1;
          if (ok) {
            anyKr = true;
            counted.shown += 1;
          } else {
            hiddenKrs += 1;
          }
        }
        let anyChild = false;
        for (const child of article.querySelectorAll(':scope > .children > .objective')) {
          if (visit(child)) anyChild = true;
        }
        // With a segment chosen, an objective shows for its key results on it, not its own status.
        const ownStatus = !segment && this.matches(wanted, article.dataset.status);
        const own = teamOk && !context && (ownStatus || anyKr);
        article.hidden = !own && !anyChild;
        article.classList.toggle('dimmed', !own && anyChild);
        const note = article.querySelector(':scope > .hidden-note');
        if (note) {
          note.hidden = !own || hiddenKrs === 0;
          note.textContent = hiddenKrs === 1 ? '1 key result hidden by the filters'
            : hiddenKrs + ' key results hidden by the filters';
        }
        return !article.hidden;
      };
      for (const group of this.treeGroups) {
        let any = false;
        for (const article of group.articles) if (visit(article)) any = true;
        if (group.heading) group.heading.hidden = !any;
      }
      const anyObjective = this.treeGroups.some((g) => g.articles.some((a) => !a.hidden));
      this.noMatch.hidden = anyObjective;

      let matching = 0;
      for (const li of this.attentionItems) {
        const match = (!team || li.dataset.team === team) && (!segment || li.dataset.segment === segment) &&
          wanted.has(li.dataset.status);
        li.hidden = !match || (!this.attentionExpanded && matching >= ATTENTION_SHOWN);
        if (match) matching += 1;
      }
      if (this.attentionEmpty) this.attentionEmpty.hidden = matching > 0;
      if (this.attentionMore) {
        this.attentionMore.hidden = this.attentionExpanded || matching <= ATTENTION_SHOWN;
        this.attentionMore.textContent = 'Show all ' + tally(matching);
      }
      for (const row of this.teamRows) row.hidden = Boolean(team) && row.dataset.team !== team;
      this.summary.textContent = 'Showing ' + tally(counted.shown) + ' of ' + tally(counted.total) + ' key results';
    }

    // --- The objective tree ---

    treeSection() {
      const section = el('section', 'card');
      section.id = 'objectives';
      const title = el('div', 'section-title');
      add(title, el('h2', null, 'Objectives'), this.chartLegend());
      section.appendChild(title);
      const tree = el('div', 'tree');
      section.appendChild(tree);
      this.treeGroups = [];
      const shown = new Set();
      const roots = { heading: null, articles: [] };
      for (const ref of this.data.roots) {
        if (this.rows.has(ref) && !shown.has(ref)) roots.articles.push(this.objectiveNode(ref, shown));
      }
      add(tree, ...roots.articles);
      this.treeGroups.push(roots);
      const sections = [
        ['Not aligned to a level-1 objective', this.data.unaligned],
        ['Other objectives', this.data.objectives.map((o) => o.ref)],
      ];
      for (const [heading, refs] of sections) {
        const pending = refs.filter((ref) => this.rows.has(ref) && !shown.has(ref));
        if (!pending.length) continue;
        const group = { heading: el('h3', 'subheading', heading), articles: [] };
        tree.appendChild(group.heading);
        for (const ref of pending) {
          if (!shown.has(ref)) {
            const article = this.objectiveNode(ref, shown);
            group.articles.push(article);
            tree.appendChild(article);
          }
        }
        this.treeGroups.push(group);
      }
      const filtered = ['team', 'level', 'owner', 'segment'].some((name) => this.data.filters[name] !== null);
      this.noMatch = el('p', 'empty', this.data.objectives.length ? 'No objectives match the filters.'
        : filtered ? 'No objectives match the report\u2019s filters.' : 'No objectives in this period yet.');
      this.noMatch.hidden = true;
      tree.appendChild(this.noMatch);
      return section;
    }

    // The legend draws each line as the charts do: the values and the forecast in the colour
    // of their key result's status, one stroke for each status that some chart shows.
    chartLegend() {
      const legend = el('div', 'chart-legend');
      legend.setAttribute('aria-label', 'Trend chart legend');
      const drawn = { values: new Set(), forecast: new Set() };
      let staged = false;
      for (const o of this.data.objectives) {
        if (o.context) continue;
        for (const kr of o.key_results) {
          if (kr.series.length) drawn.values.add(shownStatus(kr));
          if (kr.series.length && kr.forecast_value !== null) drawn.forecast.add(shownStatus(kr));
          if ((kr.schedule || []).length) staged = true;
        }
      }
      const order = [...STATUSES, DEPRIORITISED];
      const byStatus = (found) => order.filter((s) => found.has(s));
      const items = [['values', byStatus(drawn.values)], ['target', 'target'], ['expected pace', 'pace']];
      if (staged) items.push(['staged target', 'step']);
      items.push(['forecast', byStatus(drawn.forecast)], ['today', 'today']);
      for (const [label, drawing] of items) {
        if (Array.isArray(drawing) && !drawing.length) continue;
        const wide = Array.isArray(drawing) ? 32 : 22;
        const sample = svg('svg', { viewBox: '0 0 ' + wide + ' 8', 'aria-hidden': 'true' },
          wide === 22 ? 'trend' : 'trend by-status');
        const item = el('span');
        item.dataset.legend = slug(label);
        if (drawing === 'step') {
          sample.appendChild(svg('circle', { cx: 11, cy: 4, r: 2.5 }, drawing));
        } else if (Array.isArray(drawing)) {
          const part = (wide - 2) / drawing.length;
          drawing.forEach((status, i) => {
            const line = svg('line', { x1: f2(1 + i * part), y1: 4, x2: f2(1 + (i + 1) * part), y2: 4 }, label);
            sample.appendChild(add(svg('g', {}, statusClass(status)), line));
          });
          item.title = label + ' in the colour of the key result\u2019s status: ' + drawing.join(', ');
        } else {
          sample.appendChild(svg('line', { x1: 1, y1: 4, x2: 21, y2: 4 }, drawing));
        }
        add(item, sample, document.createTextNode(label));
        legend.appendChild(item);
      }
      return legend;
    }

    objectiveNode(ref, shown) {
      const row = this.rows.get(ref);
      shown.add(ref);
      const article = this.objectiveCard(row);
      const children = row.children.filter((c) => this.rows.has(c));
      const elsewhere = children.filter((c) => shown.has(c)).map((c) => this.rows.get(c));
      if (elsewhere.length) {
        article.appendChild(el('p', 'note', 'Also aligned here, shown above: ' +
          elsewhere.map((o) => o.title + ' (' + pct(o.progress) + ')').join('; ')));
      }
      const list = el('div', 'children');
      for (const child of children) {
        if (!shown.has(child)) list.appendChild(this.objectiveNode(child, shown));
      }
      if (list.childElementCount) article.appendChild(list);
      return article;
    }

    objectiveCard(row) {
      const active = row.state === 'active';
      const article = el('article', 'objective' + (row.context ? ' context' : '') + (active ? '' : ' inactive'));
      article.dataset.ref = row.ref;
      article.dataset.team = row.team;
      article.dataset.status = shownStatus(row);
      const head = el('div', 'obj-head');
      const text = el('div');
      const meta = [this.teamName(row.team)];
      if (row.period !== this.data.period.id) meta.push(row.period);
      if (row.owner) meta.push(owners(row));
      if (row.context) meta.push('shown for context');
      if (row.grade !== null) meta.push('grade ' + fixed2(row.grade) + ' ' + row.band);
      if (row.team_grade !== null) meta.push('own grade ' + fixed2(row.team_grade));
      add(text, el('h3', 'obj-title', row.title), el('div', 'obj-meta', meta.join(DOT)));
      const score = el('div', 'obj-score');
      const percent = el('span', 'pct obj-pct', pct(row.progress));
      const state = active ? pill(row.status, statusClass(row.status)) : pill(row.state, 'k-state');
      add(score, bar(row.progress, row.expected, shownStatus(row), 'progress ' + pct(row.progress)), percent, state);
      add(head, text, score);
      article.appendChild(head);
      if (row.reason) article.appendChild(remark('reason', capitalised(active ? 'reason' : row.state) + ': ', row.reason));
      if (row.retro) article.appendChild(remark('retro', 'Retro: ', row.retro));
      if (!row.context) {
        if (row.key_results.length) {
          const list = el('ol', 'krs');
          for (const kr of row.key_results) list.appendChild(this.krRow(kr, row));
          article.appendChild(list);
          const note = el('p', 'note hidden-note');
          note.hidden = true;
          article.appendChild(note);
        } else if (row.children.length) {
          article.appendChild(el('p', 'note', 'No key results of its own: progress rolls up from aligned objectives.'));
        }
      }
      this.articles.push(article);
      return article;
    }

    // A date as "Nov 10", with its year when it is not the report's.
    day(iso) {
      return iso.slice(0, 4) === this.data.as_of.slice(0, 4) ? shortDate(iso) : shortDate(iso) + ', ' + iso.slice(0, 4);
    }

    krRow(kr, objective) {
      const status = shownStatus(kr);
      const li = el('li', 'kr ' + statusClass(status));
      li.dataset.ref = kr.ref;
      li.dataset.team = kr.team;
      li.dataset.status = status;
      li.dataset.segment = kr.segment || '';
      const text = el('div', 'kr-text');
      add(text, el('div', 'kr-title', kr.title), el('div', 'kr-facts', this.facts(kr).join(DOT)));
      if (kr.shares) {
        const owner = teamOf(kr.shares);
        const path = shortRef(kr.shares).slice(owner.length + 1);
        const share = el('div', 'kr-share', 'A share of ' + this.teamName(owner) + '\u2019s ' + path +
          ': its figures, counted once, there');
        share.dataset.team = owner;
        text.appendChild(share);
      }
      const flags = el('div', 'flags');
      const flag = (label, tone) => flags.appendChild(el('span', 'flag ' + tone, label));
      if (kr.breached) flag('breached', 'bad');
      if (kr.regression) flag('regression', 'bad');
      if (this.overdue(kr)) flag('overdue', 'bad');
      if (kr.stale) flag('stale', 'warn');
      if (kr.moved_goalposts) flag('moved goalposts', 'warn');
      if (kr.overachieved) flag('over-achieved', 'info');
      if (kr.grade !== null) flag('grade ' + fixed2(kr.grade) + ' ' + kr.band, 'band-' + kr.band);
      if (flags.childElementCount) text.appendChild(flags);
      if (kr.items && kr.items.length) text.appendChild(this.checklist(kr.items));
      // A reason its objective already gives is shown there, once.
      if (kr.reason && !(objective.state !== 'active' && objective.reason === kr.reason)) {
        text.appendChild(remark('reason', capitalised(kr.state === 'active' ? 'reason' : kr.state) + ': ', kr.reason));
      }
      if (kr.note) text.appendChild(remark('note', 'Note, ' + this.day(kr.note_date) + ': ', kr.note));

      const score = el('div', 'kr-score');
      const label = status === DEPRIORITISED ? pill(kr.state, 'k-state') : pill(status, statusClass(status));
      const guardrail = kr.type === 'stay_below' || kr.type === 'stay_above';
      add(score, el('span', 'pct kr-pct', pct(kr.progress)), label,
        bar(kr.progress, guardrail ? null : kr.expected, status, 'progress ' + pct(kr.progress)));
      add(li, text, score, this.trend(kr));
      return li;
    }

    facts(kr) {
      const facts = [headline(kr)];
      if (kr.relative) facts.push(relativeTarget(kr));
      if (kr.type === 'done' && kr.due) facts.push((kr.progress === 1 ? 'was due ' : 'due ') + this.day(kr.due));
      if (kr.confidence !== null) facts.push('confidence ' + num(kr.confidence));
      facts.push(kr.age_days === null ? 'no update yet' : 'updated ' + (kr.age_days === 0 ? 'today' : kr.age_days + ' d ago'));
      if (kr.owner) facts.push(owners(kr));
      return facts;
    }

    // A milestone past its due day and not done (a checklist marks its own items).
    overdue(kr) {
      return kr.type === 'done' && Boolean(kr.due) && kr.progress !== 1 && kr.due < this.data.as_of;
    }

    checklist(items) {
      const list = el('ul', 'items');
      list.setAttribute('aria-label', 'Checklist');
      for (const item of items) {
        const late = !item.done && item.due < this.data.as_of;
        const state = item.done ? 'done' : late ? 'overdue' : 'open';
        const li = el('li', 'item ' + state);
        li.dataset.item = item.id;
        li.dataset.state = state;
        const mark = el('span', 'item-mark', item.done ? '\u2713' : late ? '!' : '\u25cb');
        mark.setAttribute('aria-hidden', 'true');
        const when = [item.done ? 'done ' + this.day(item.done) : (late ? 'overdue, due ' : 'due ') + this.day(item.due)];
        if (item.weight !== 1) when.push('weight ' + num(item.weight));
        add(li, mark, el('span', 'item-title', item.title), el('span', 'item-when', when.join(DOT)));
        list.appendChild(li);
      }
      return list;
    }

    // --- A trend chart: values over the period, the target, the expected pace and today ---

    trend(kr) {
      // The lines keep to the plot between two bands of words: the target's value above,
      // the period's first and last day below, so no label ever sits on a line.
      const W = 240;
      const H = 82;
      const pad = { left: 4, right: 4, top: 16, bottom: 14 };
      const chart = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img' }, 'trend');
      const span = this.spans.get(kr.period);
      const today = dayNumber(this.data.as_of);
      const points = kr.series.map((p) => [dayNumber(p.date), p.value]);
      // Expected progress on day t is (t - start + 1) / days: zero the day before the start.
      let x0 = span ? dayNumber(span.start) - 1 : points.length ? points[0][0] - 1 : today - 1;
      let x1 = span ? dayNumber(span.end) : Math.max(today, points.length ? points[points.length - 1][0] : today);
      if (x1 <= x0) x1 = x0 + 1;
      const paced = span ? this.expectedPath(kr, span, x0, x1) : null;
      const steps = paced ? this.steps(kr, span) : [];
      const ys = points.map((p) => p[1]);
      if (kr.target !== null) ys.push(kr.target);
      if (paced) ys.push(...paced.map((p) => p[1]));
      if (kr.forecast_value !== null && points.length) ys.push(kr.forecast_value);
      let y0 = ys.length ? Math.min(...ys) : 0;
      let y1 = ys.length ? Math.max(...ys) : 1;
      if (y1 === y0) {
        y0 -= Math.abs(y0) * 0.1 || 1;
        y1 += Math.abs(y1) * 0.1 || 1;
      }
      const margin = (y1 - y0) * 0.08;
      y0 -= margin;
      y1 += margin;
      // A lower-is-better metric still draws up as higher values: the axis is the value's.
      const X = (d) => pad.left + ((d - x0) / (x1 - x0)) * (W - pad.left - pad.right);
      const Y = (v) => H - pad.bottom - ((v - y0) / (y1 - y0)) * (H - pad.top - pad.bottom);
      const f = (n) => Math.round(n * 100) / 100;

      const description = [kr.title + ': values over ' + kr.period];
      if (kr.target !== null) description.push('target ' + withUnit(num(kr.target), kr.unit));
      if (steps.length) {
        description.push('steps ' + steps.map((s) => withUnit(num(s.value), kr.unit) + ' by ' + shortDate(s.date)).join(', '));
      }
      if (points.length) description.push('latest ' + withUnit(num(kr.value), kr.unit) + ' on ' + kr.value_date);
      chart.setAttribute('aria-label', description.join(', '));
      const title = svg('title');
      title.textContent = description.join(', ');
      chart.appendChild(title);

      chart.appendChild(svg('line', { x1: pad.left, y1: H - pad.bottom, x2: W - pad.right, y2: H - pad.bottom }, 'frame'));
      if (today >= x0 && today <= x1) {
        chart.appendChild(svg('line', { x1: f(X(today)), y1: pad.top, x2: f(X(today)), y2: H - pad.bottom }, 'today'));
      }
      if (kr.target !== null) {
        chart.appendChild(svg('line', { x1: pad.left, y1: f(Y(kr.target)), x2: W - pad.right, y2: f(Y(kr.target)) }, 'target'));
        const label = svg('text', { x: W - pad.right, y: pad.top - 6, 'text-anchor': 'end' }, 'label target-label');
        // Beside "no values yet" at the band's other end, a long unit is left to the facts line.
        const full = 'target ' + withUnit(num(kr.target), kr.unit);
        label.textContent = points.length || full.length <= 30 ? full : 'target ' + num(kr.target);
        chart.appendChild(label);
      }
      if (paced) {
        chart.appendChild(svg('polyline', { points: paced.map((p) => f(X(p[0])) + ',' + f(Y(p[1]))).join(' ') }, 'pace'));
      }
      for (const step of steps) {
        const dot = svg('circle', { cx: f(X(dayNumber(step.date))), cy: f(Y(step.value)), r: 2.2 }, 'step');
        const tip = svg('title');
        tip.textContent = withUnit(num(step.value), kr.unit) + ' by ' + shortDate(step.date);
        dot.appendChild(tip);
        chart.appendChild(dot);
      }
      const group = svg('g', {}, statusClass(shownStatus(kr)));
      if (points.length && kr.forecast_value !== null) {
        const last = points[points.length - 1];
        group.appendChild(svg('line', { x1: f(X(last[0])), y1: f(Y(last[1])), x2: f(X(x1)), y2: f(Y(kr.forecast_value)) }, 'forecast'));
      }
      if (points.length > 1) {
        const path = points.map((p) => f(X(p[0])) + ',' + f(Y(p[1]))).join(' ');
        group.appendChild(svg('polyline', { points: path }, 'values'));
      }
      // A dot for each value while they are few; for a dense series the line says it all,
      // and thousands of dots would slow a large organization's page down.
      points.forEach((p, i) => {
        const lastOne = i === points.length - 1;
        if (lastOne || points.length <= DOTS_UP_TO) {
          group.appendChild(svg('circle', { cx: f(X(p[0])), cy: f(Y(p[1])), r: lastOne ? 3 : 1.6 }, 'point'));
        }
      });
      chart.appendChild(group);
      if (!points.length) {
        const none = svg('text', { x: pad.left, y: pad.top - 6 }, 'nodata');
        none.textContent = 'no values yet';
        chart.appendChild(none);
      }
      if (span) {
        const first = svg('text', { x: pad.left, y: H - 2 }, 'label');
        first.textContent = shortDate(span.start);
        const lastDay = svg('text', { x: W - pad.right, y: H - 2, 'text-anchor': 'end' }, 'label');
        lastDay.textContent = shortDate(span.end);
        add(chart, first, lastDay);
      }
      return chart;
    }

    // The line of what each day expects (DESIGN §2.3), as [day, value] corners from the day
    // before the period to its last: a milestone and a checklist rise on their due days, a
    // schedule through its steps, anything else straight from start to target; none for a
    // guardrail, which holds its line every day.
    expectedPath(kr, span, x0, x1) {
      if (kr.type === 'stay_below' || kr.type === 'stay_above' || kr.start === null || kr.target === null) return null;
      const within = (d) => Math.min(x1, Math.max(x0 + 1, d));
      const rises = [];
      if (kr.type === 'done') rises.push([within(dayNumber(kr.due || span.end)), kr.target - kr.start]);
      for (const item of kr.type === 'checklist' ? kr.items || [] : []) rises.push([within(dayNumber(item.due)), item.weight]);
      if (rises.length) {
        rises.sort((a, b) => a[0] - b[0]);
        const path = [[x0, kr.start]];
        let level = kr.start;
        for (const [d, rise] of rises) {
          path.push([d - 1, level]);
          level += rise;
          path.push([d, level]);
        }
        path.push([x1, level]);
        return path;
      }
      const steps = this.steps(kr, span).map((s) => [dayNumber(s.date), s.value]);
      return [[x0, kr.start], ...steps, [x1, kr.target]];
    }

    // The staged targets the expected line passes through: those inside the period, before
    // its last day (where the target is the step).
    steps(kr, span) {
      if (kr.start === null || kr.target === null || kr.target === kr.start) return [];
      return (kr.schedule || []).filter((s) => s.date >= span.start && s.date < span.end);
    }

    // --- Needs attention ---

    attentionSection() {
      const section = el('section', 'card');
      section.id = 'attention';
      section.appendChild(el('h2', null, 'Needs attention'));
      const list = el('ol', 'attention');
      this.attentionItems = [];
      for (const item of this.data.attention) {
        const li = el('li');
        li.dataset.ref = item.ref;
        li.dataset.team = teamOf(item.ref);
        li.dataset.status = this.statusOf.get(item.ref) || 'no data';
        li.dataset.segment = this.segmentOf.get(item.ref) || '';
        const body = el('div');
        const meta = [shortRef(item.ref)];
        if (item.owner) meta.push(item.owner);
        if (item.detail) meta.push(item.detail);
        add(body, el('div', 'att-title', item.title), el('div', 'att-meta', meta.join(DOT)));
        add(li, pill(item.kind, 'k-' + slug(item.kind)), body);
        list.appendChild(li);
        this.attentionItems.push(li);
      }
      this.attentionExpanded = false;
      if (this.data.attention.length) {
        section.appendChild(list);
        this.attentionEmpty = el('p', 'empty', 'Nothing here matches the filters.');
        this.attentionEmpty.hidden = true;
        this.attentionMore = el('button', 'reset more');
        this.attentionMore.type = 'button';
        this.attentionMore.id = 'attention-more';
        this.attentionMore.addEventListener('click', () => this.expandAttention());
        // Paper has no button to press: print the whole list.
        window.addEventListener('beforeprint', () => this.expandAttention());
        add(section, this.attentionEmpty, this.attentionMore);
      } else {
        section.appendChild(el('p', 'empty', 'Nothing needs attention.'));
      }
      return section;
    }

    expandAttention() {
      this.attentionExpanded = true;
      this.apply();
    }

    // --- Needs a decision ---

    // Conflicts and trade-offs between key results, open ones first with who decides; settled
    // ones after them, with the decision, who made it and when, or the guardrail that holds.
    // No card when there are none.
    decisionSection() {
      const items = this.data.decisions || [];
      if (!items.length) return null;
      const section = el('section', 'card');
      section.id = 'decisions';
      section.appendChild(el('h2', null, 'Needs a decision'));
      const list = el('ol', 'decisions');
      for (const item of items) {
        const li = el('li');
        li.dataset.code = item.code;
        if (item.settled) li.classList.add('settled');
        const body = el('div');
        const refs = item.key_results.map((kr) => shortRef(kr.ref)).join(DOT);
        add(body, el('div', 'att-title', item.message), el('div', 'att-meta', refs),
          el('div', 'att-meta decision-outcome', this.decisionOutcome(item)));
        const label = item.decision ? 'decided' : item.held_by ? 'held' : item.code;
        add(li, pill(label, item.settled ? 'k-state' : 'k-at-risk'), body);
        list.appendChild(li);
      }
      section.appendChild(list);
      return section;
    }

    decisionOutcome(item) {
      const d = item.decision;
      if (d) return 'Decided by ' + d.by + ' on ' + d.on + ': ' + d.text;
      if (item.held_by) return 'Held by the guardrail ' + shortRef(item.held_by);
      return item.owners.length ? 'Owners: ' + item.owners.join(', ') : 'No owner';
    }

    // --- Teams ---

    // On a wide screen the card runs down beside the objectives and its table stays in view
    // while they scroll past (dashboard.css, "Layout").
    teamsSection() {
      const card = el('section', 'card');
      card.id = 'teams';
      const section = card.appendChild(el('div', 'pinned'));
      section.appendChild(el('h2', null, 'Teams'));
      this.teamRows = [];
      if (!this.data.teams.length) {
        section.appendChild(el('p', 'empty', 'No team has active objectives.'));
        return card;
      }
      const table = el('table', 'teams');
      const head = el('tr');
      for (const label of ['Team', 'Progress']) head.appendChild(el('th', null, label));
      add(table, add(el('thead'), head));
      const body = el('tbody');
      for (const team of this.data.teams) {
        const tr = el('tr');
        tr.dataset.team = team.id;
        const name = el('td', 'team-name');
        name.title = team.id;
        const objectives = tally(team.objectives) + (team.objectives === 1 ? '\u00a0objective' : '\u00a0objectives');
        add(name, unbroken('team-label', team.name), el('div', 'muted', 'level ' + team.level + DOT + objectives));
        const score = el('div', 'team-score');
        add(score, bar(team.progress, team.expected, 'team', team.name + ' progress ' + pct(team.progress)),
          el('span', 'pct team-pct', pct(team.progress)));
        const cell = el('td', 'progress');
        cell.appendChild(score);
        add(tr, name, cell);
        body.appendChild(tr);
        this.teamRows.push(tr);
      }
      table.appendChild(body);
      section.appendChild(add(el('div', 'table-wrap'), table));
      return card;
    }

    // --- Who contributes to what ---

    matrixSection() {
      const section = el('section', 'card wide');
      section.id = 'matrix';
      section.appendChild(el('h2', null, 'Who contributes to what'));
      const matrix = this.context.matrix || { objectives: [], teams: [], cells: [] };
      if (!matrix.objectives.length || !matrix.teams.length) {
        section.appendChild(el('p', 'empty', 'No team contributes to a level-1 objective yet.'));
        return section;
      }
      const cells = new Map(matrix.cells.map((c) => [c.objective + '\n' + c.team, c.contribution]));
      const table = el('table', 'matrix');
      const head = el('tr');
      head.appendChild(el('th', null, 'Team'));
      for (const ref of matrix.objectives) {
        const row = this.rows.get(ref);
        const th = el('th', 'objective-head', row ? row.title : shortRef(ref).split('/')[1]);
        th.title = shortRef(ref);
        th.dataset.ref = ref;
        th.scope = 'col';
        head.appendChild(th);
      }
      add(table, add(el('thead'), head));
      const body = el('tbody');
      for (const team of matrix.teams) {
        const tr = el('tr');
        tr.dataset.team = team;
        const name = el('th', null, this.teamName(team));
        name.scope = 'row';
        name.title = team;
        tr.appendChild(name);
        for (const ref of matrix.objectives) {
          const how = cells.get(ref + '\n' + team) || '';
          const td = el('td', how, how === 'direct' ? '\u25cf' : how === 'indirect' ? '\u25cb' : '');
          if (how) td.title = how === 'direct' ? 'aligned directly' : 'through a chain of alignments';
          td.setAttribute('aria-label', how || 'none');
          tr.appendChild(td);
        }
        body.appendChild(tr);
        this.teamRows.push(tr);
      }
      table.appendChild(body);
      add(section, add(el('div', 'table-wrap'), table),
        el('p', 'caption', '\u25cf aligned directly   \u25cb through a chain of alignments'));
      return section;
    }

    // --- The metric map: each outcome metric over the metrics that drive it ---

    driverSection() {
      const outcomes = this.context.drivers || [];
      if (!outcomes.length) return null;
      const section = el('section', 'card wide');
      section.id = 'drivers';
      add(section, el('h2', null, 'What drives the outcomes'),
        el('p', 'caption', 'Each outcome metric over the metrics that move it, with their latest ' +
          'readings and the key results on them, by level.'));
      const tree = el('ul', 'driver-tree');
      for (const node of outcomes) tree.appendChild(this.driverNode(node));
      section.appendChild(tree);
      return section;
    }

    driverNode(node) {
      const item = el('li', 'driver');
      item.dataset.metric = node.id;
      const head = el('div', 'driver-head');
      add(head, el('span', 'driver-name', node.name),
        el('span', 'muted', node.id + DOT + (node.unit || '') + DOT + node.direction + ' is better'));
      if (node.trades_off.length) {
        head.appendChild(el('span', 'trade-off', 'trades off against ' + node.trades_off.join(', ')));
      }
      const readings = node.latest.map((r) =>
        (r.segment || 'all') + ' ' + withUnit(num(r.value), node.unit) + ' on ' + shortDate(r.date));
      add(item, head, el('div', 'driver-readings', readings.join(DOT) || 'no reading yet'));
      if (node.key_results.length) {
        const krs = el('ul', 'driver-krs');
        for (const kr of node.key_results) {
          const li = el('li');
          li.dataset.ref = kr.ref;
          li.dataset.team = kr.team;
          add(li, el('span', 'level', 'L' + (kr.level || '?')), el('span', 'driver-kr', shortRef(kr.ref)),
            el('span', 'pct', pct(kr.progress)), pill(kr.status, statusClass(kr.status)));
          krs.appendChild(li);
        }
        item.appendChild(krs);
      }
      if (node.repeated) item.appendChild(el('div', 'muted driver-again', 'its drivers are shown above'));
      if (node.drivers.length) {
        const below = el('ul', 'driver-tree');
        for (const driver of node.drivers) below.appendChild(this.driverNode(driver));
        item.appendChild(below);
      }
      return item;
    }

    footer() {
      const generator = document.querySelector('meta[name="generator"]');
      const made = generator ? generator.getAttribute('content') : 'cxokr';
      return el('footer', null, 'Made by ' + made + ' from the OKR files on ' + this.data.as_of +
        '. The numbers are the report\u2019s JSON document, embedded in this page.');
    }
  }

  const root = document.getElementById('app');
  try {
    new Dashboard(readJson('cxokr-data'), readJson('cxokr-context')).render(root);
  } catch (error) {
    root.replaceChildren(el('p', 'error', 'This report could not be shown: ' + error));
    throw error;
  }
})();
