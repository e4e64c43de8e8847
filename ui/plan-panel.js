// The plan panel: the form, its pre-flight (validate_interval, asked as the form changes) and Start. The answer shows
// before Start: errors block unless the user ticks "start anyway", warnings and the estimate are shown.
import { fillFacts, fillList } from './dom.js';
import { parsePlanForm, preflightView } from './plan.js';

const $ = (id) => document.getElementById(id);
const FIELDS = ['interval', 'stop', 'shots', 'stopAt', 'duration', 'startAt', 'bulb', 'title'];
/** Typing pauses this long before the pre-flight is asked: one request per thought, not per key. */
const VALIDATE_AFTER_MS = 400;
/** The phone's zone: "HH:MM" times are read on its clock. */
const TIMEZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** Why Start cannot be used now, or null. `ui.busy` holds the commands awaiting their reply. */
export function startBlocker(state, conn, ui) {
  if (!state.live || conn.phase !== 'open') return 'Not connected to the controller';
  if (!state.availableCommands.includes('start_intervalometer')) return 'The controller does not offer start_intervalometer';
  if (state.session?.running) return 'A session is running; stop it first';
  if (state.session?.state === 'scheduled') return 'A session is scheduled; cancel it first';
  if (state.session?.state === 'suspended') return 'A suspended session holds the camera: resume, save or discard it first';
  if (state.camera?.state !== 'connected') return `Camera is ${state.camera?.state ?? 'unknown'}`;
  if (ui.busy.has('start_intervalometer')) return 'Starting…';
  if (ui.preflight?.errors.length && !$('f-force').checked) return 'The pre-flight found errors (above): fix them, or tick “Start anyway”';
  return null;
}

const values = () => Object.fromEntries(FIELDS.map((f) => [f, $(`f-${f}`).value]));

/** `ctx`: {run, request, draw, ui}. Returns the panel's render(state, conn, ui, now). */
export function mountPlan({ run, request, draw, ui }) {
  ui.fieldErrors = {};
  ui.preflight = null;
  let timer = null;
  let asked = 0;

  async function validate() {
    const parsed = parsePlanForm(values(), TIMEZONE);
    const n = ++asked;
    if (!parsed.ok) {
      ui.preflight = null;
      draw();
      return;
    }
    let answer = null;
    try {
      answer = await request('validate_interval', parsed.data);
    } catch {
      answer = null; // not connected, or refused: Start says why, and the start runs the same pre-flight anyway
    }
    if (n !== asked) return; // a newer form state was asked meanwhile
    ui.preflight = preflightView(answer, Date.now());
    draw();
  }
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(validate, VALIDATE_AFTER_MS);
  };

  for (const f of FIELDS) {
    $(`f-${f}`).addEventListener(f === 'stop' ? 'change' : 'input', () => {
      const parsed = parsePlanForm(values(), TIMEZONE);
      ui.draftInterval = Number($('f-interval').value.replace(',', '.'));
      if (ui.fieldErrors[f] && !(parsed.errors ?? {})[f]) delete ui.fieldErrors[f];
      soon();
      draw();
    });
  }
  $('f-force').addEventListener('change', draw);

  $('start-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const parsed = parsePlanForm(values(), TIMEZONE);
    ui.fieldErrors = parsed.ok ? {} : parsed.errors;
    if (!parsed.ok) {
      draw();
      $(`f-${Object.keys(parsed.errors)[0]}`).focus();
      return;
    }
    clearTimeout(timer); // the start runs the same pre-flight; an answer asked before it would only be stale
    asked++;
    const force = $('f-force').checked && Boolean(ui.preflight?.errors.length);
    const reply = await run('start_intervalometer', force ? { ...parsed.data, force: true } : parsed.data);
    if (reply) {
      $('f-force').checked = false;
      ui.preflight = null;
      draw();
    } else soon(); // refused: the pre-flight shows why
  });

  return function renderPlan(state, conn, ui) {
    const stop = $('f-stop').value;
    for (const el of document.querySelectorAll('[data-stop]')) el.hidden = el.dataset.stop !== stop;
    for (const f of FIELDS.filter((x) => x !== 'stop')) {
      const msg = ui.fieldErrors[f];
      const err = $(`f-${f}-err`);
      err.hidden = !msg;
      err.textContent = msg ?? '';
      $(`f-${f}`).setAttribute('aria-invalid', msg ? 'true' : 'false');
    }

    const p = ui.preflight;
    $('preflight').hidden = !p;
    if (p) {
      fillList($('preflight-errors'), p.errors.map((t) => `✖ ${t}`));
      fillList($('preflight-warnings'), p.warnings.map((t) => `▲ ${t}`));
      fillFacts($('preflight-estimate'), p.estimate);
    }
    $('force-row').hidden = !p?.errors.length;

    const why = startBlocker(state, conn, ui);
    const btn = $('start-btn');
    btn.disabled = Boolean(why);
    btn.textContent = ui.busy.has('start_intervalometer') ? 'Starting…' : $('f-startAt').value ? 'Schedule' : 'Start';
    $('start-reason').textContent = why ? `Start unavailable: ${why}` : '';

    const tv = state.camera?.status?.tvSeconds;
    const bulb = Number($('f-bulb').value.replace(',', '.'));
    const exposure = $('f-bulb').value.trim() && Number.isFinite(bulb) ? bulb : tv;
    const warn = Number.isFinite(ui.draftInterval) && Number.isFinite(exposure) && exposure >= ui.draftInterval;
    $('start-warning').hidden = !warn;
    $('start-warning').textContent = warn ? `The exposure (${exposure} s) is not shorter than the interval: shots will be late or skipped.` : '';
  };
}

