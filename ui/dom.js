// Small DOM builders the panels share. Text only goes in through textContent; chart trees only carry numbers and
// fixed names.

const SVG_NS = 'http://www.w3.org/2000/svg';
/** A chart tree from charts.js or camera.js → SVG elements. */
export function svgNode(tree) {
  const el = document.createElementNS(SVG_NS, tree.tag);
  for (const [k, v] of Object.entries(tree.attrs ?? {})) el.setAttribute(k, String(v));
  for (const child of tree.children ?? []) el.append(svgNode(child));
  return el;
}

/** Fills a list with one item per line of text; untouched when the lines did not change. Hidden when empty. */
export function fillList(list, lines, className = () => '') {
  const key = lines.join('\n');
  if (list.dataset.key === key) return;
  list.dataset.key = key;
  list.hidden = lines.length === 0;
  list.replaceChildren(
    ...lines.map((t, i) => {
      const li = document.createElement('li');
      li.className = className(i);
      li.textContent = t;
      return li;
    }),
  );
}

/** Fills a <dl> with `[{label, value}]`; untouched when they did not change. */
export function fillFacts(dl, facts) {
  const key = JSON.stringify(facts);
  if (dl.dataset.key === key) return;
  dl.dataset.key = key;
  dl.replaceChildren(
    ...facts.map(({ label, value }) => {
      const div = document.createElement('div');
      const dt = document.createElement('dt');
      dt.textContent = label;
      const dd = document.createElement('dd');
      dd.textContent = value;
      div.append(dt, dd);
      return div;
    }),
  );
}
