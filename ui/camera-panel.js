// The camera panel: the exposure settings from the camera's own ability lists, a test photo with its image, EXIF and
// luminance histogram, and a live-view frame. Settings come from get_camera_settings and stay current through
// camera_setting_changed broadcasts.
import { EDITED_SETTINGS, exifText, histogramNote, histogramTree, luminanceHistogram, settingChoices, toRed, valueLabel, wireValue } from './camera.js';
import { svgNode } from './dom.js';
import { explainError } from './explain.js';
import { fileNames, formatBytes, formatClock } from './format.js';

const $ = (id) => document.getElementById(id);
/** Pictures are redrawn in red at most this wide: sharp enough on a phone, cheap to recolour. */
const SHOWN_WIDTH = 1000;

function cameraBlocker(state, conn, what) {
  if (!state.live || conn.phase !== 'open') return 'Not connected to the controller';
  if (state.session?.running) return `No ${what} during a session: it would cost the timelapse frames`;
  if (state.session?.state === 'suspended') return 'A suspended session holds the camera: resume, save or discard it first';
  if (state.camera?.state !== 'connected') return `Camera is ${state.camera?.state ?? 'unknown'}`;
  return null;
}

/** `ctx`: {run, request, draw, ui}. Returns {render(state, conn, ui), onMessage(msg), load()}. */
export function mountCamera({ run, request, draw, ui }) {
  ui.settings = { list: null, loading: false, error: null, pending: null };
  ui.liveview = null;

  async function load() {
    if (ui.settings.loading) return;
    ui.settings.loading = true;
    draw();
    try {
      const reply = await request('get_camera_settings');
      ui.settings.list = reply?.settings ?? [];
      ui.settings.error = null;
    } catch (e) {
      ui.settings.error = { text: explainError(e).text, detail: `${e.code}: ${e.message}` };
    } finally {
      ui.settings.loading = false;
      draw();
    }
  }

  async function change(setting, choice) {
    const name = EDITED_SETTINGS.find((x) => x.name === setting.name)?.label ?? setting.name;
    ui.settings.pending = setting.name;
    ui.settings.error = null;
    draw();
    try {
      const reply = await request('set_camera_setting', { name: setting.name, value: wireValue(setting, choice) });
      if (reply?.setting) put(reply.setting);
    } catch (e) {
      // The camera's refusal, as a sentence: what was not set, and the camera's (or the check's) own words.
      const why = e.code === 'VALIDATION_ERROR' || e.code === 'CAMERA_ERROR' ? e.message : explainError(e).text;
      ui.settings.error = { text: `${name} was not set to ${valueLabel(setting.name, choice)}: ${why}`, detail: `${e.code}: ${e.message}` };
    } finally {
      ui.settings.pending = null;
      ui.settings.version = (ui.settings.version ?? 0) + 1; // redraw the selects: a refused choice goes back
      draw();
    }
  }

  function put(setting) {
    const list = ui.settings.list;
    if (!list) return;
    const i = list.findIndex((x) => x.name === setting.name);
    ui.settings.list = i >= 0 ? list.map((x, j) => (j === i ? setting : x)) : [...list, setting];
  }

  $('settings-load').addEventListener('click', load);
  $('test-photo').addEventListener('click', () => run('take_test_photo'));
  $('liveview-btn').addEventListener('click', async () => {
    const reply = await run('get_liveview_frame');
    if (reply?.frame) ui.liveview = reply.frame;
    draw();
  });
  $('photo-img').addEventListener('load', () => {
    const counts = showRed($('photo-img'), $('photo-canvas'));
    const svg = svgNode(histogramTree(counts));
    const note = histogramNote(counts);
    svg.setAttribute('aria-label', `Brightness histogram: ${note}`);
    $('photo-hist').replaceChildren(svg);
    $('photo-hist-note').textContent = note;
  });
  $('liveview-img').addEventListener('load', () => showRed($('liveview-img'), $('liveview-canvas')));

  function onMessage(msg) {
    if (msg.type === 'camera_setting_changed' && msg.data?.setting) put(msg.data.setting);
    // A camera (re)connected: its settings may differ; read them again if this page had read them.
    if ((msg.type === 'camera_connected' || msg.type === 'welcome') && ui.settings.list) void load();
  }

  function render(state, conn) {
    const link = !state.live || conn.phase !== 'open' ? 'Not connected to the controller' : state.camera?.state !== 'connected' ? `Camera is ${state.camera?.state ?? 'unknown'}` : null;
    renderSettings(link);
    $('settings-load').disabled = Boolean(link) || ui.settings.loading;
    $('settings-load').textContent = ui.settings.loading ? 'Reading…' : ui.settings.list ? 'Read again' : 'Read settings from the camera';
    const err = ui.settings.error;
    $('settings-error').hidden = !err;
    $('settings-error-text').textContent = err?.text ?? '';
    $('settings-error-detail').textContent = err?.detail ?? '';

    const photoWhy = cameraBlocker(state, conn, 'test photos') ?? (ui.busy.has('take_test_photo') ? 'Taking a photo…' : null);
    $('test-photo').disabled = Boolean(photoWhy);
    $('test-photo').textContent = ui.busy.has('take_test_photo') ? 'Taking photo…' : 'Take a test photo';
    const lvWhy = cameraBlocker(state, conn, 'live view') ?? (ui.busy.has('get_liveview_frame') ? 'Fetching a frame…' : null);
    $('liveview-btn').disabled = Boolean(lvWhy);
    const progress = state.camera?.testPhoto?.stage ? `Test photo: ${state.camera.testPhoto.stage.replace('_', ' ')}…` : '';
    $('test-reason').textContent = photoWhy ? `Test photo unavailable: ${photoWhy}` : progress;
    $('liveview-reason').textContent = lvWhy ? `Live view unavailable: ${lvWhy}` : '';

    const p = state.camera?.lastPhoto;
    const url = p?.preview?.url ?? null;
    $('photo').hidden = !url;
    $('photo-missing').hidden = !p || Boolean(url);
    $('photo-missing').textContent = p && !url ? `Last test photo ${fileNames(p.files) ?? ''} at ${formatClock(p.triggeredAt)}: no preview (${p.previewError?.message ?? 'the camera sent none'}).` : '';
    if (url && $('photo-img').getAttribute('src') !== url) {
      $('photo-img').src = url;
      $('photo-hist').replaceChildren();
      $('photo-hist-note').textContent = '';
    }
    if (p) {
      const exif = exifText(p.preview?.exif);
      $('photo-exif').textContent = `${fileNames(p.files) ?? 'no file'} at ${formatClock(p.triggeredAt)}${exif ? ` — ${exif}` : ''}`;
    }

    const lv = ui.liveview;
    $('liveview').hidden = !lv;
    if (lv && $('liveview-img').getAttribute('src') !== lv.url) {
      $('liveview-img').src = lv.url;
      $('liveview-caption').textContent = `Live view at ${formatClock(lv.capturedAt)}, ${formatBytes(lv.bytes)}. Live view switches itself off 30 s after the last frame.`;
    }
  }

  function renderSettings(link) {
    const box = $('settings');
    const list = ui.settings.list;
    const shown = list ? EDITED_SETTINGS.map((e) => ({ ...e, setting: list.find((x) => x.name === e.name) })).filter((e) => e.setting) : [];
    const key = `${JSON.stringify(shown.map((e) => [e.setting.value, e.setting.ability]))}|${ui.settings.version ?? 0}`;
    if (box.dataset.key !== key) {
      box.dataset.key = key;
      box.replaceChildren(...shown.map((e) => settingField(e)));
    }
    for (const sel of box.querySelectorAll('select')) sel.disabled = Boolean(link) || ui.settings.pending !== null;
    $('settings-reason').textContent = link ? `Settings unavailable: ${link}` : ui.settings.pending ? 'Setting…' : list ? '' : 'The camera’s settings are read when you ask.';
  }

  function settingField({ name, label, setting }) {
    const div = document.createElement('div');
    div.className = 'field';
    const lab = document.createElement('label');
    lab.htmlFor = `set-${name}`;
    lab.textContent = label;
    div.append(lab);
    const choices = settingChoices(setting);
    if (!choices.length) {
      const p = document.createElement('p');
      p.className = 'big';
      p.id = `set-${name}`;
      p.textContent = valueLabel(name, setting.value);
      div.append(p);
      return div;
    }
    const sel = document.createElement('select');
    sel.id = `set-${name}`;
    for (const c of choices) {
      const o = document.createElement('option');
      o.value = c.value;
      o.textContent = c.label;
      sel.append(o);
    }
    sel.value = String(setting.value);
    sel.addEventListener('change', () => change(setting, sel.value));
    div.append(sel);
    return div;
  }

  return { render, onMessage, load };
}

/**
 * Draws a loaded image into its canvas in red only (the <img> itself stays hidden: it is only the loader) and returns
 * the luminance histogram of its pixels, counted before they were recoloured.
 */
function showRed(img, canvas) {
  const w = Math.min(SHOWN_WIDTH, img.naturalWidth || 1);
  const h = Math.max(1, Math.round(((img.naturalHeight || 1) / (img.naturalWidth || 1)) * w));
  canvas.width = w;
  canvas.height = h;
  const g = canvas.getContext('2d', { willReadFrequently: true });
  if (!g) return [];
  g.drawImage(img, 0, 0, w, h);
  const pixels = g.getImageData(0, 0, w, h);
  const counts = luminanceHistogram(pixels.data);
  toRed(pixels.data);
  g.putImageData(pixels, 0, 0);
  return counts;
}
