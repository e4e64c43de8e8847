// The reports panel: past nights, one night in detail with the same charts as a running session, rename, delete
// with undo, and the exports. Also the other unsaved sessions (the banner shows the newest; the rest are listed).
import { lineChart, percentile, slotStrip, stripCounts } from './charts.js';
import { fillFacts, fillList, svgNode } from './dom.js';
import { countsText, formatDateTime } from './format.js';
import { cameraSeries, EXPORT_FORMATS, exportUrl, reportFacts, reportRowText, slotsOf, timelineText } from './reports.js';

const $ = (id) => document.getElementById(id);

/** `ctx`: {run, request, draw, ui, confirmDialog, showTab}. Returns {render, onMessage, load, open}. */
export function mountReports({ run, request, draw, ui, confirmDialog, showTab }) {
  ui.reports = { list: null, report: null, deleted: null, unsaved: [] };

  async function load() {
    const reply = await run('get_timelapse_reports');
    if (reply?.reports) ui.reports.list = reply.reports;
    draw();
  }

  async function open(id) {
    showTab('reports');
    const reply = await run('get_timelapse_report', { id });
    if (reply?.report) {
      ui.reports.report = reply.report;
      $('report-title').value = reply.report.title ?? '';
    }
    draw();
    $('report-h').focus();
  }

  /** Asked on its own at every welcome and change: quietly, as a failure here only means the list waits. */
  async function loadUnsaved() {
    try {
      const reply = await request('get_unsaved_session');
      ui.reports.unsaved = reply?.unsavedSessions ?? [];
    } catch {
      return; // not connected: the next welcome asks again
    }
    draw();
  }

  $('reports-load').addEventListener('click', load);
  $('report-back').addEventListener('click', () => {
    ui.reports.report = null;
    draw();
    void load();
  });
  $('report-rename').addEventListener('click', async () => {
    const r = ui.reports.report;
    const title = $('report-title').value.trim();
    if (!r || !title) return;
    const reply = await run('update_report_title', { id: r.id, title });
    if (reply?.report) ui.reports.report = { ...r, ...reply.report };
    draw();
  });
  $('report-delete').addEventListener('click', async () => {
    const r = ui.reports.report;
    if (!r) return;
    const ok = await confirmDialog({
      title: 'Delete this report?',
      message: `“${r.title}” (${countsText(r, ', ')}) is hidden from the list. You can undo this right after. Photos on the card are not deleted.`,
      ok: 'Delete',
      cancel: 'Keep it',
    });
    if (!ok) return;
    const reply = await run('delete_timelapse_report', { id: r.id });
    if (!reply) return;
    ui.reports.deleted = { id: r.id, title: r.title };
    ui.reports.report = null;
    await load();
  });
  $('report-undo-btn').addEventListener('click', async () => {
    const d = ui.reports.deleted;
    if (!d) return;
    const reply = await run('restore_timelapse_report', { id: d.id });
    if (reply) ui.reports.deleted = null;
    await load();
  });

  function onMessage(msg) {
    const t = msg.type;
    if (['report_saved', 'report_updated', 'intervalometer_completed', 'intervalometer_stopped'].includes(t) && ui.reports.list) void load();
    if (['welcome', 'unsaved_session_found', 'report_saved', 'session_discarded'].includes(t)) void loadUnsaved();
  }

  function render(state, conn) {
    const r = ui.reports.report;
    const linkUp = state.live && conn.phase === 'open';
    $('report').hidden = !r;
    $('reports').hidden = Boolean(r);
    $('reports-load').disabled = !linkUp || ui.busy.has('get_timelapse_reports');
    $('reports-load').textContent = ui.reports.list ? 'Refresh' : 'Show past nights';
    const d = ui.reports.deleted;
    $('report-undo').hidden = !d;
    $('report-undo-text').textContent = d ? `Deleted “${d.title}”. ` : '';
    $('report-undo-btn').disabled = !linkUp;
    renderList();
    $('reports-reason').textContent = !linkUp ? 'Reports are kept on the controller: they show once it answers.' : ui.reports.list?.length === 0 ? 'No report yet: every finished session becomes one.' : '';
    if (r) renderReport(r, linkUp);
    renderUnsavedOthers(state, linkUp);
  }

  function renderList() {
    const ul = $('report-list');
    const list = ui.reports.list ?? [];
    const key = JSON.stringify(list.map((x) => [x.id, x.title, x.ok, x.reason]));
    if (ul.dataset.key === key) return;
    ul.dataset.key = key;
    ul.replaceChildren(
      ...list.map((x) => {
        const li = document.createElement('li');
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'report-row';
        const strong = document.createElement('strong');
        strong.textContent = x.title || '(untitled)';
        const small = document.createElement('span');
        small.textContent = reportRowText(x);
        b.append(strong, small);
        b.addEventListener('click', () => open(x.id));
        li.append(b);
        return li;
      }),
    );
  }

  function renderReport(r, linkUp) {
    $('report-h').textContent = r.title || '(untitled)';
    $('report-rename').disabled = !linkUp;
    $('report-delete').disabled = !linkUp;
    fillFacts($('report-facts'), reportFacts(r));
    const box = $('report-strip');
    if (box.dataset.key === `${r.id}:${r.title}`) return;
    box.dataset.key = `${r.id}:${r.title}`;

    const slots = slotsOf(r);
    const total = Math.max(r.plannedShots ?? 0, ...slots.keys(), 1);
    const c = stripCounts(slots, total);
    const legend = [`${c.ok} taken`, c.failed && `${c.failed} failed`, c.unknown && `${c.unknown} unknown`, c.skipped && `${c.skipped} skipped`, c.held && `${c.held} held or offline`, c.pending && `${c.pending} not reached`].filter(Boolean).join(' · ');
    const strip = svgNode(slotStrip(slots, total));
    strip.setAttribute('aria-label', `Slots of the night: ${legend}`);
    box.replaceChildren(strip);
    $('report-strip-legend').textContent = legend;

    const late = (r.shots ?? []).filter((s) => s.result === 'ok' && Number.isFinite(s.latenessMs));
    const values = late.map((s) => s.latenessMs);
    const ms = (v) => (v === null ? '—' : v < 10 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`);
    const lateText = values.length ? `p50 ${ms(percentile(values, 50))} · p99 ${ms(percentile(values, 99))} · max ${ms(Math.max(...values))}` : 'no frame';
    const lateSvg = svgNode(lineChart(late.map((s) => ({ x: s.number, y: s.latenessMs }))).tree);
    lateSvg.setAttribute('aria-label', `Trigger lateness per shot: ${lateText}`);
    $('report-late').replaceChildren(lateSvg);
    $('report-late-legend').textContent = lateText;

    $('report-camera-charts').replaceChildren(
      ...cameraSeries(r).flatMap((s) => {
        const cap = document.createElement('figcaption');
        const label = document.createElement('span');
        label.className = 'label';
        label.textContent = s.name;
        cap.append(label, ` ${s.legend}`);
        const div = document.createElement('div');
        div.className = 'chart-box';
        const svg = svgNode(lineChart(s.points, { yMax: s.yMax }).tree);
        svg.setAttribute('aria-label', `${s.name} over the night: ${s.legend}`);
        div.append(svg);
        return [cap, div];
      }),
    );

    $('report-exports').replaceChildren(
      ...EXPORT_FORMATS.map(({ format, label }) => {
        const a = document.createElement('a');
        a.className = 'button-link';
        a.href = exportUrl(r.id, format);
        a.setAttribute('download', '');
        a.textContent = label;
        return a;
      }),
    );
    fillList($('report-timeline'), (r.timeline ?? []).map(timelineText));
  }

  /** Unsaved sessions besides the banner's one: each can be saved (and then opens) or discarded. */
  function renderUnsavedOthers(state, linkUp) {
    const others = ui.reports.unsaved.filter((u) => u.sessionId !== state.unsaved?.sessionId);
    $('unsaved-others').hidden = others.length === 0 || !state.unsaved;
    const ul = $('unsaved-others-list');
    const key = JSON.stringify([others.map((u) => [u.sessionId, u.counts]), linkUp]);
    if (ul.dataset.key === key) return;
    ul.dataset.key = key;
    ul.replaceChildren(
      ...others.map((u) => {
        const li = document.createElement('li');
        const p = document.createElement('p');
        p.textContent = `${u.title || '(untitled)'} — ${formatDateTime(u.startedAt)}, ${countsText(u.counts)}`;
        const save = document.createElement('button');
        save.type = 'button';
        save.textContent = 'Save as report';
        save.disabled = !linkUp;
        save.addEventListener('click', async () => {
          const reply = await run('save_session_as_report', { sessionId: u.sessionId });
          if (reply?.report) void open(reply.report.id);
        });
        const discard = document.createElement('button');
        discard.type = 'button';
        discard.className = 'danger';
        discard.textContent = 'Discard…';
        discard.disabled = !linkUp;
        discard.addEventListener('click', async () => {
          const ok = await confirmDialog({ title: 'Discard this session?', message: `“${u.title || 'Session'}” will not be kept as a report. Photos on the card are not deleted.`, ok: 'Discard', cancel: 'Keep it' });
          if (ok) await run('discard_session', { sessionId: u.sessionId });
        });
        const buttons = document.createElement('div');
        buttons.className = 'buttons';
        buttons.append(save, discard);
        li.append(p, buttons);
        return li;
      }),
    );
  }

  return { render, onMessage, load, open };
}
