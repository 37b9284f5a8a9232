// Dispatchers' console: vanilla JS, no build step, nothing loaded from elsewhere (it must work offline on the campus
// network). The REST/WebSocket contract it speaks is docs/console.md. Every text from the server is inserted with
// textContent, never as HTML, so a robot name or alert message cannot inject markup.
/* global document, window, sessionStorage, location, history, WebSocket, URLSearchParams, setTimeout, clearTimeout, setInterval, requestAnimationFrame */
/* eslint-disable no-restricted-globals, no-restricted-properties -- browser code: the server's injectable Clock and
   seeded Random do not exist here; wall time and Math.random (reconnect jitter) are what a browser has. */
import { backoffDelayMs, createProjection, formatAge, headingToSvgDeg } from './geo.js';

const TOKEN_KEY = 'fleet.console.token';
const SVG_NS = 'http://www.w3.org/2000/svg';
const PAGE_SIZE = 15;

const state = {
  token: null,
  role: null,
  map: null,
  projection: null,
  /** current viewBox in metres; `home` is the whole campus */
  view: null,
  home: null,
  places: new Map(),
  robots: new Map(),
  robotNodes: new Map(),
  robotRows: new Map(),
  alerts: new Map(),
  selected: null,
  /** { serial, stops: [placeId] } while picking a new route */
  reroute: null,
  parcels: { status: '', robot: '', cursors: [null], page: 0, items: [], nextCursor: null, open: new Set() },
  /** server time minus browser time, from the hello message, so ages are right even with a skewed PC clock */
  clockOffsetMs: 0,
  conn: { ws: null, attempt: 0, timer: null, helloSeen: false },
  renderQueued: false,
};

const $ = (id) => document.getElementById(id);

/** Creates an HTML element; children are nodes or strings (strings become text, never markup). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' || typeof child === 'number' ? String(child) : child);
  }
  return node;
}

function svgEl(tag, attrs = {}) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  return node;
}

const serverNow = () => Date.now() + state.clockOffsetMs;
const timeOf = (ms) => new Date(ms).toLocaleTimeString([], { hour12: false });
const placeName = (id) => state.places.get(id)?.name ?? id;

let toastTimer = null;
function toast(message, isError = false) {
  const node = $('toast');
  node.textContent = message;
  node.className = `toast show${isError ? ' error' : ''}`;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { node.className = 'toast'; }, isError ? 6000 : 3000);
}

// ---------------------------------------------------------------- REST

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${state.token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(`/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The fleet server cannot be reached.');
  }
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (res.status === 401) {
    signOut('The server rejected the token; sign in again.');
    throw new ApiError(401, 'UNAUTHORIZED', 'Signed out: token rejected.');
  }
  if (!res.ok) {
    const message = data?.error?.message ?? `${method} ${path} failed with HTTP ${res.status}`;
    throw new ApiError(res.status, data?.error?.code ?? `HTTP_${res.status}`, message);
  }
  return data;
}

/** Runs a dispatcher action and reports the outcome; the live feed brings the resulting state change. */
async function act(label, path, body = {}) {
  try {
    const result = await api('POST', path, body);
    toast(`${label}: accepted${result?.actionId ? ` (action ${result.actionId})` : ''}`);
    return true;
  } catch (error) {
    if (error.status !== 401) toast(`${label}: ${error.message}`, true);
    return false;
  }
}

// ---------------------------------------------------------------- sign-in

function signOut(message = '') {
  sessionStorage.removeItem(TOKEN_KEY);
  state.token = null;
  closeLive();
  $('app').hidden = true;
  $('sign-out').hidden = true;
  $('alerts-badge').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = message;
  $('role').textContent = '';
  setConn('offline', 'Not connected');
  $('token-input').focus();
}

async function signIn(token) {
  state.token = token;
  sessionStorage.setItem(TOKEN_KEY, token);
  try {
    const map = await api('GET', '/map');
    $('login').hidden = true;
    $('app').hidden = false;
    $('sign-out').hidden = false;
    $('alerts-badge').hidden = false;
    setupMap(map);
    openLive();
    await loadSnapshot();
  } catch (error) {
    if (error.status !== 401) {
      $('login').hidden = false;
      $('login-error').textContent = `Could not load the campus map: ${error.message}`;
    }
  }
}

// ---------------------------------------------------------------- map

function setupMap(map) {
  state.map = map;
  state.projection = createProjection(map.bboxLonLat);
  state.home = { ...state.projection.viewBox };
  state.view = { ...state.home };
  $('map-name').textContent = `· ${map.name}`;
  $('attribution').textContent = map.attribution;
  const { toXY } = state.projection;
  const fmt = (n) => n.toFixed(1);
  const line = (coords) => coords.map((c, i) => { const [x, y] = toXY(c); return `${i === 0 ? 'M' : 'L'}${fmt(x)} ${fmt(y)}`; }).join('');

  const buildings = $('layer-buildings');
  buildings.replaceChildren();
  for (const feature of map.buildings.features) {
    const d = feature.geometry.coordinates.map((ring) => `${line(ring)}Z`).join('');
    const node = svgEl('path', { d, class: feature.properties.name ? 'building named' : 'building' });
    if (feature.properties.name) node.append(Object.assign(svgEl('title'), { textContent: feature.properties.name }));
    buildings.append(node);
  }
  // One <path> per class keeps the DOM small (a campus has thousands of segments).
  const byClass = new Map();
  for (const feature of map.paths.features) {
    const cls = feature.properties.class ?? 'path';
    byClass.set(cls, (byClass.get(cls) ?? '') + line(feature.geometry.coordinates));
  }
  const widthM = { road_major: 9, road: 6, path: 2.5 };
  const paths = $('layer-paths');
  paths.replaceChildren();
  for (const cls of ['road_major', 'road', 'path', ...byClass.keys()].filter((c, i, all) => byClass.has(c) && all.indexOf(c) === i)) {
    paths.append(svgEl('path', { d: byClass.get(cls), class: `path-${cls}`, 'stroke-width': widthM[cls] ?? 2.5 }));
  }

  state.places = new Map(map.places.map((p) => [p.id, p]));
  const placesLayer = $('layer-places');
  placesLayer.replaceChildren();
  for (const place of map.places) {
    const [x, y] = toXY(place.lonLat);
    const shape = place.kind === 'hub' ? svgEl('rect', { x: -6, y: -6, width: 12, height: 12 }) : svgEl('circle', { r: place.kind === 'drop' ? 3.5 : 5 });
    const g = svgEl('g', { class: `place place-${place.kind}`, 'data-place': place.id, 'data-x': x, 'data-y': y });
    g.append(shape, Object.assign(svgEl('title'), { textContent: `${place.name} (${place.kind})` }));
    placesLayer.append(g);
  }
  const select = $('reroute-place');
  select.replaceChildren(...[...map.places].sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name))
    .map((p) => el('option', { value: p.id }, `${p.name} (${p.kind})`)));
  applyView();
}

/** Metres per screen pixel: markers are drawn in pixels, so they keep their size at every zoom. */
function metresPerPixel() {
  const svg = $('map');
  const { width, height } = svg.getBoundingClientRect();
  if (width === 0 || height === 0) return 1;
  return Math.max(state.view.w / width, state.view.h / height);
}

function applyView() {
  const { x, y, w, h } = state.view;
  $('map').setAttribute('viewBox', `${x} ${y} ${w} ${h}`);
  const k = metresPerPixel();
  for (const node of $('layer-places').children) node.setAttribute('transform', `translate(${node.dataset.x} ${node.dataset.y}) scale(${k})`);
  for (const serial of state.robotNodes.keys()) placeRobot(serial);
  drawRoutePreview();
}

function zoom(factor, centre) {
  const v = state.view;
  const cx = centre?.[0] ?? v.x + v.w / 2;
  const cy = centre?.[1] ?? v.y + v.h / 2;
  // Stop at roughly 5 m across a 1000 px map on one end and 4× the campus on the other.
  const w = Math.min(state.home.w * 4, Math.max(50, v.w * factor));
  const f = w / v.w;
  state.view = { x: cx - (cx - v.x) * f, y: cy - (cy - v.y) * f, w, h: v.h * f };
  applyView();
}

/** Screen point → SVG (metre) coordinates, honouring preserveAspectRatio. */
function toSvgPoint(event) {
  const svg = $('map');
  const point = svg.createSVGPoint();
  point.x = event.clientX;
  point.y = event.clientY;
  const p = point.matrixTransform(svg.getScreenCTM().inverse());
  return [p.x, p.y];
}

function setupMapInteraction() {
  const svg = $('map');
  svg.addEventListener('wheel', (event) => {
    event.preventDefault();
    zoom(event.deltaY > 0 ? 1.2 : 1 / 1.2, toSvgPoint(event));
  }, { passive: false });
  let drag = null;
  svg.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    drag = { start: toSvgPoint(event), view: { ...state.view }, moved: false, id: event.pointerId };
  });
  svg.addEventListener('pointermove', (event) => {
    if (!drag) return;
    const [x, y] = toSvgPoint(event);
    const dx = x - drag.start[0];
    const dy = y - drag.start[1];
    if (!drag.moved && Math.hypot(dx, dy) < 2 * metresPerPixel()) return;
    if (!drag.moved) { svg.setPointerCapture(drag.id); svg.classList.add('dragging'); }
    drag.moved = true;
    state.view = { ...state.view, x: state.view.x - dx, y: state.view.y - dy };
    applyView();
  });
  const endDrag = () => { drag = null; svg.classList.remove('dragging'); };
  svg.addEventListener('pointerup', (event) => {
    const wasDrag = drag?.moved;
    endDrag();
    if (wasDrag) return;
    const robotNode = event.target.closest?.('.robot');
    const placeNode = event.target.closest?.('.place');
    if (robotNode) selectRobot(robotNode.dataset.serial);
    else if (placeNode && state.reroute) addStop(placeNode.dataset.place);
  });
  svg.addEventListener('pointercancel', endDrag);
  $('zoom-in').addEventListener('click', () => zoom(1 / 1.5));
  $('zoom-out').addEventListener('click', () => zoom(1.5));
  $('zoom-reset').addEventListener('click', () => { state.view = { ...state.home }; applyView(); });
  window.addEventListener('resize', () => { if (state.view) applyView(); });
}

// ---------------------------------------------------------------- robots

function upsertRobot(robot) {
  const known = state.robots.get(robot.serial);
  // The REST snapshot and the live feed can cross; never let an older state overwrite a newer one.
  if (known && known.updatedAtMs > robot.updatedAtMs) return;
  state.robots.set(robot.serial, robot);
  queueRender();
}

function queueRender() {
  if (state.renderQueued) return;
  state.renderQueued = true;
  requestAnimationFrame(() => {
    state.renderQueued = false;
    renderRobots();
  });
}

function robotClasses(robot) {
  return `robot mode-${robot.mode} health-${robot.health}${robot.serial === state.selected ? ' selected' : ''}`;
}

function drawRobot(robot) {
  let node = state.robotNodes.get(robot.serial);
  if (!node) {
    const g = svgEl('g', { 'data-serial': robot.serial });
    const heading = svgEl('g');
    heading.append(svgEl('circle', { class: 'halo', r: 13 }), svgEl('polygon', { class: 'body', points: '11,0 -7,7 -3,0 -7,-7' }));
    const label = svgEl('text', { class: 'label', x: 12, y: -8 });
    const batteryBg = svgEl('rect', { class: 'battery-bg', x: -9, y: 10, width: 18, height: 4 });
    const battery = svgEl('rect', { class: 'battery', x: -9, y: 10, width: 18, height: 4 });
    const title = svgEl('title');
    g.append(heading, batteryBg, battery, label, title);
    $('layer-robots').append(g);
    node = { g, heading, label, battery, title };
    state.robotNodes.set(robot.serial, node);
  }
  node.g.setAttribute('class', robotClasses(robot));
  node.g.style.display = robot.lonLat ? '' : 'none';
  node.heading.setAttribute('transform', `rotate(${headingToSvgDeg(robot.headingRad).toFixed(1)})`);
  node.label.textContent = robot.serial;
  const pct = Math.max(0, Math.min(100, robot.batteryPct));
  node.battery.setAttribute('width', (18 * pct / 100).toFixed(1));
  node.battery.setAttribute('class', pct < 20 ? 'battery low' : 'battery');
  node.title.textContent = `${robot.serial}: ${robot.mode}, ${robot.health}, battery ${Math.round(pct)} %`;
  placeRobot(robot.serial);
}

function placeRobot(serial) {
  const robot = state.robots.get(serial);
  const node = state.robotNodes.get(serial);
  if (!robot || !node || !robot.lonLat || !state.projection) return;
  const [x, y] = state.projection.toXY(robot.lonLat);
  node.g.setAttribute('transform', `translate(${x.toFixed(1)} ${y.toFixed(1)}) scale(${metresPerPixel()})`);
}

const modeColour = { driving: 'var(--driving)', idle: 'var(--idle)', charging: 'var(--charging)', paused: 'var(--paused)', fault: 'var(--fault)' };

function renderRobots() {
  const robots = [...state.robots.values()].sort((a, b) => a.serial.localeCompare(b.serial));
  for (const robot of robots) drawRobot(robot);
  $('robots-count').textContent = `(${robots.length})`;
  // Rows are updated in place, not rebuilt: several updates a second must not steal keyboard focus or close a menu.
  const list = $('robot-list');
  let added = false;
  for (const robot of robots) {
    let row = state.robotRows.get(robot.serial);
    if (!row) {
      const chip = el('span', { class: 'chip', 'aria-hidden': 'true' });
      const mode = el('span', { class: 'muted' });
      const battery = el('span');
      const button = el('button', { type: 'button', onclick: () => selectRobot(robot.serial) }, chip, el('span', {}, robot.serial), mode, battery);
      row = { li: el('li', {}, button), button, chip, mode, battery };
      state.robotRows.set(robot.serial, row);
      added = true;
    }
    const dim = robot.health === 'offline' || robot.health === 'unknown';
    row.chip.style.background = dim ? 'var(--offline)' : modeColour[robot.mode] ?? 'var(--offline)';
    row.mode.textContent = robot.health === 'online' ? robot.mode : `${robot.mode}, ${robot.health}`;
    row.battery.textContent = `${Math.round(robot.batteryPct)} %`;
    row.button.setAttribute('aria-pressed', robot.serial === state.selected ? 'true' : 'false');
  }
  if (added) {
    list.replaceChildren(...robots.map((r) => state.robotRows.get(r.serial).li));
    const robotFilter = $('parcel-robot');
    const chosen = robotFilter.value;
    robotFilter.replaceChildren(el('option', { value: '' }, 'any'), ...robots.map((r) => el('option', { value: r.serial }, r.serial)));
    robotFilter.value = chosen;
  }
  renderRobotPanel();
}

function selectRobot(serial) {
  if (state.reroute && state.reroute.serial !== serial) endReroute();
  state.selected = serial;
  $('robot-panel').hidden = false;
  renderRobots();
}

function renderRobotPanel() {
  const robot = state.robots.get(state.selected);
  if (!robot) { $('robot-panel').hidden = true; return; }
  $('robot-heading').textContent = `Robot ${robot.serial}`;
  const facts = [
    ['Manufacturer', robot.manufacturer],
    ['Health', robot.health],
    ['Mode', robot.mode],
    ['Battery', `${robot.batteryPct.toFixed(0)} %`],
    ['Order', robot.orderId ?? '—'],
    ['Position', robot.lonLat ? `${robot.lonLat[1].toFixed(6)}, ${robot.lonLat[0].toFixed(6)}` : 'unknown'],
    ['Heading', `${((90 - robot.headingRad * 180 / Math.PI + 720) % 360).toFixed(0)}° (compass)`],
    ['Last report', `${formatAge(serverNow() - robot.updatedAtMs)} ago`],
  ];
  $('robot-facts').replaceChildren(...facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
  $('robot-loads').replaceChildren(...(robot.loads.length === 0 ? [el('li', { class: 'muted' }, 'empty')]
    : robot.loads.map((l) => el('li', {}, `${l.parcelId} in ${l.compartment}`))));
  $('robot-errors').replaceChildren(...(robot.errors.length === 0 ? [el('li', { class: 'muted' }, 'none')]
    : robot.errors.map((e) => el('li', {}, `${e.errorLevel}: ${e.errorType}${e.errorDescription ? ` (${e.errorDescription})` : ''}`))));
  for (const button of document.querySelectorAll('[data-robot-action]')) setAllowed(button);
  setAllowed($('reroute-start'));
  $('reroute-start').disabled ||= state.reroute !== null;
}

/** Viewers can look but not act; the server enforces it too, this just avoids offering what will be refused. */
function setAllowed(button) {
  const viewer = state.role === 'viewer';
  button.disabled = viewer;
  if (viewer) button.title = 'Needs the dispatcher role'; else button.removeAttribute('title');
}

function setupRobotPanel() {
  const labels = { pause: 'Pause', resume: 'Resume', charge: 'Send to charge', cancel: 'Cancel order' };
  for (const button of document.querySelectorAll('[data-robot-action]')) {
    button.addEventListener('click', async () => {
      const action = button.dataset.robotAction;
      const serial = state.selected;
      if (!serial) return;
      if (action === 'cancel' && !window.confirm(`Cancel the current order of ${serial}? Its parcels go back to the queue.`)) return;
      await act(`${labels[action]} ${serial}`, `/robots/${encodeURIComponent(serial)}/${action}`);
    });
  }
  $('robot-close').addEventListener('click', () => {
    endReroute();
    state.selected = null;
    $('robot-panel').hidden = true;
    renderRobots();
  });
  $('reroute-start').addEventListener('click', () => {
    state.reroute = { serial: state.selected, stops: [] };
    // A robot out on a trip is most likely re-routed for that trip; an idle one for its next.
    $('reroute-when').value = state.robots.get(state.selected)?.orderId && state.robots.get(state.selected)?.mode !== 'idle' ? 'current' : 'next';
    $('reroute').hidden = false;
    $('pick-hint').hidden = false;
    $('map').classList.add('picking');
    renderReroute();
    $('reroute-place').focus();
  });
  $('reroute-add').addEventListener('click', () => addStop($('reroute-place').value));
  $('reroute-discard').addEventListener('click', endReroute);
  $('reroute-send').addEventListener('click', async () => {
    const { serial, stops } = state.reroute ?? {};
    if (!serial || stops.length === 0) return;
    // 'current' re-routes the trip under way (cancel + new order once the robot is between stops); 'next' waits for the next trip.
    const trip = $('reroute-when').value === 'current' ? 'current' : 'next';
    const label = `Re-route ${serial}${trip === 'current' ? ' now' : ' (next trip)'} via ${stops.length} stop(s)`;
    if (await act(label, `/robots/${encodeURIComponent(serial)}/reroute`, { stops, trip })) endReroute();
  });
}

function addStop(placeId) {
  if (!state.reroute || !state.places.has(placeId)) return;
  state.reroute.stops.push(placeId);
  renderReroute();
}

function endReroute() {
  state.reroute = null;
  $('reroute').hidden = true;
  $('pick-hint').hidden = true;
  $('map').classList.remove('picking');
  drawRoutePreview();
  renderRobotPanel();
}

function renderReroute() {
  const { stops } = state.reroute;
  $('reroute-stops').replaceChildren(...stops.map((id, index) => el('li', {},
    el('span', {}, placeName(id)),
    el('button', { type: 'button', 'aria-label': `Remove stop ${index + 1}, ${placeName(id)}`, onclick: () => { stops.splice(index, 1); renderReroute(); } }, 'Remove'))));
  $('reroute-send').disabled = stops.length === 0;
  drawRoutePreview();
  renderRobotPanel();
}

/** Straight dashed legs from the robot through the picked stops: a preview of the order, not the driven path. */
function drawRoutePreview() {
  const layer = $('layer-route');
  layer.replaceChildren();
  const robot = state.reroute && state.robots.get(state.reroute.serial);
  if (!robot?.lonLat || !state.projection) return;
  const points = [robot.lonLat, ...state.reroute.stops.map((id) => state.places.get(id)?.lonLat).filter(Boolean)].map(state.projection.toXY);
  if (points.length < 2) return;
  layer.append(svgEl('polyline', { class: 'route-line', points: points.map((p) => p.join(',')).join(' '), 'stroke-width': 2.5 * metresPerPixel() }));
}

// ---------------------------------------------------------------- alerts

function upsertAlert(alert) {
  state.alerts.set(alert.id, alert);
  renderAlerts();
}

function renderAlerts() {
  const alerts = [...state.alerts.values()].sort((a, b) => (a.acknowledgedAtMs === null ? 0 : 1) - (b.acknowledgedAtMs === null ? 0 : 1) || b.raisedAtMs - a.raisedAtMs);
  const open = alerts.filter((a) => a.acknowledgedAtMs === null).length;
  const badge = $('alerts-count');
  badge.textContent = String(open);
  badge.className = open > 0 ? 'badge has-alerts' : 'badge';
  $('alerts-badge').setAttribute('aria-label', `Alerts: ${open} unacknowledged`);
  const items = alerts.slice(0, 100).map((alert) => {
    const acked = alert.acknowledgedAtMs !== null;
    const ack = el('button', { type: 'button', 'aria-label': `Acknowledge: ${alert.message}` }, 'Acknowledge');
    setAllowed(ack);
    ack.addEventListener('click', async () => {
      if (await act('Acknowledge alert', `/alerts/${encodeURIComponent(alert.id)}/ack`)) {
        upsertAlert({ ...alert, acknowledgedAtMs: serverNow(), acknowledgedBy: alert.acknowledgedBy ?? 'you' });
      }
    });
    return el('li', { class: `sev-${alert.severity}${acked ? ' acked' : ''}` },
      el('span', {}, el('strong', {}, `${alert.severity}`), ` ${alert.message}`),
      acked ? null : ack,
      el('span', { class: 'meta' }, `${alert.kind}${alert.robotSerial ? ` · ${alert.robotSerial}` : ''} · ${timeOf(alert.raisedAtMs)}`
        + (acked ? ` · acknowledged by ${alert.acknowledgedBy ?? '?'}` : '')));
  });
  $('alert-list').replaceChildren(...(items.length > 0 ? items : [el('li', { class: 'muted' }, 'No alerts.')]));
}

// ---------------------------------------------------------------- parcels

async function loadParcels() {
  const p = state.parcels;
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (p.status) query.set('status', p.status);
  if (p.robot) query.set('robot', p.robot);
  const cursor = p.cursors[p.page];
  if (cursor) query.set('cursor', cursor);
  try {
    const page = await api('GET', `/parcels?${query}`);
    p.items = page.items;
    p.nextCursor = page.nextCursor;
    renderParcels();
  } catch (error) {
    if (error.status !== 401) toast(`Parcels: ${error.message}`, true);
  }
}

function renderParcels() {
  const p = state.parcels;
  const rows = [];
  for (const parcel of p.items) {
    const open = p.open.has(parcel.id);
    rows.push(el('tr', { 'data-parcel': parcel.id },
      el('td', { class: 'id' }, parcel.id),
      el('td', {}, el('span', { class: 'status' }, parcel.status)),
      el('td', {}, placeName(parcel.destination)),
      el('td', {}, parcel.robotSerial ?? '—'),
      el('td', {}, timeOf(parcel.updatedAtMs)),
      el('td', {}, el('button', { type: 'button', 'aria-expanded': open ? 'true' : 'false', 'aria-label': `Details of parcel ${parcel.id}`, onclick: () => toggleParcel(parcel.id) }, open ? 'Hide' : 'Details'))));
    if (open) rows.push(parcelDetails(parcel));
  }
  if (rows.length === 0) rows.push(el('tr', {}, el('td', { colspan: 6, class: 'muted' }, 'No parcels match.')));
  $('parcel-rows').replaceChildren(...rows);
  $('page-label').textContent = `Page ${p.page + 1}`;
  $('page-prev').disabled = p.page === 0;
  $('page-next').disabled = !p.nextCursor;
}

function parcelDetails(parcel) {
  const history = el('ol', { class: 'history', 'aria-label': `History of ${parcel.id}` }, el('li', { class: 'muted' }, 'Loading history…'));
  api('GET', `/parcels/${encodeURIComponent(parcel.id)}/history`).then((page) => {
    history.replaceChildren(...page.items.map((h) => el('li', {}, `${timeOf(h.at)} ${h.from ?? '∅'} → ${h.to} (${h.cause}, by ${h.actor})`)));
  }, (error) => history.replaceChildren(el('li', { class: 'error' }, `History unavailable: ${error.message}`)));

  const selectId = `assign-${parcel.id}`;
  const robots = [...state.robots.values()].sort((a, b) => a.serial.localeCompare(b.serial));
  const select = el('select', { id: selectId }, ...robots.map((r) => el('option', { value: r.serial, selected: r.serial === parcel.robotSerial }, `${r.serial} (${r.mode}, ${Math.round(r.batteryPct)} %)`)));
  const assign = el('button', { type: 'button', class: 'primary', onclick: () => act(`Assign ${parcel.id} to ${select.value}`, `/parcels/${encodeURIComponent(parcel.id)}/assign`, { robotSerial: select.value }).then((ok) => ok && loadParcels()) }, 'Assign');
  const hold = el('button', { type: 'button', onclick: () => act(`Hold ${parcel.id}`, `/parcels/${encodeURIComponent(parcel.id)}/hold`).then((ok) => ok && loadParcels()) }, 'Hold');
  const release = el('button', { type: 'button', onclick: () => act(`Release ${parcel.id}`, `/parcels/${encodeURIComponent(parcel.id)}/release`).then((ok) => ok && loadParcels()) }, 'Release');
  for (const button of [assign, hold, release]) setAllowed(button);
  return el('tr', { class: 'details' }, el('td', { colspan: 6 },
    el('div', { class: 'row' }, el('label', { for: selectId }, 'Assign to robot'), select, assign, hold, release),
    history));
}

function toggleParcel(id) {
  const open = state.parcels.open;
  if (open.has(id)) open.delete(id); else open.add(id);
  renderParcels();
}

function upsertParcel(parcel) {
  const items = state.parcels.items;
  const index = items.findIndex((p) => p.id === parcel.id);
  // Only rows on screen change: inserting would shift the cursor-based pages under the dispatcher's eyes.
  if (index < 0 || items[index].updatedAtMs > parcel.updatedAtMs) return;
  items[index] = parcel;
  renderParcels();
}

function setupParcels() {
  const restart = () => {
    state.parcels.cursors = [null];
    state.parcels.page = 0;
    loadParcels();
  };
  $('parcel-status').addEventListener('change', (event) => { state.parcels.status = event.target.value; restart(); });
  $('parcel-robot').addEventListener('change', (event) => { state.parcels.robot = event.target.value; restart(); });
  $('parcel-refresh').addEventListener('click', loadParcels);
  $('page-prev').addEventListener('click', () => {
    if (state.parcels.page === 0) return;
    state.parcels.page -= 1;
    loadParcels();
  });
  $('page-next').addEventListener('click', () => {
    const p = state.parcels;
    if (!p.nextCursor) return;
    p.cursors[p.page + 1] = p.nextCursor;
    p.page += 1;
    loadParcels();
  });
}

// ---------------------------------------------------------------- live feed

function setConn(kind, text) {
  $('conn').className = `conn conn-${kind}`;
  $('conn-text').textContent = text;
}

async function loadSnapshot() {
  try {
    const [robots, alerts] = await Promise.all([api('GET', '/robots'), api('GET', '/alerts')]);
    for (const robot of robots) upsertRobot(robot);
    state.alerts = new Map(alerts.map((a) => [a.id, a]));
    renderAlerts();
    await loadParcels();
  } catch (error) {
    if (error.status !== 401) toast(`Could not load the fleet state: ${error.message}`, true);
  }
}

function openLive() {
  closeLive();
  if (!state.token) return;
  const conn = state.conn;
  setConn('connecting', conn.attempt === 0 ? 'Connecting…' : `Reconnecting (attempt ${conn.attempt + 1})…`);
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/live`;
  // The token rides as a subprotocol: browsers cannot set headers here, and query strings end up in logs.
  const ws = new WebSocket(url, ['fleet-live', state.token]);
  conn.ws = ws;
  conn.helloSeen = false;
  ws.addEventListener('message', (event) => {
    let message;
    try { message = JSON.parse(event.data); } catch { return; }
    onLiveMessage(message);
  });
  ws.addEventListener('close', (event) => {
    if (conn.ws !== ws) return;
    conn.ws = null;
    if (!state.token) return;
    if (!conn.helloSeen) {
      // A refused upgrade looks like any network failure to a browser; a REST call tells a revoked token apart.
      api('GET', '/alerts').catch(() => undefined);
    }
    const delayMs = event.code === 1013 ? 500 : backoffDelayMs(conn.attempt, Math.random());
    conn.attempt += 1;
    let left = Math.round(delayMs / 1000);
    setConn('reconnecting', `Disconnected; retrying in ${left} s`);
    conn.timer = setTimeout(openLive, delayMs);
    const countdown = () => {
      if (conn.ws || !state.token || left <= 1) return;
      left -= 1;
      setConn('reconnecting', `Disconnected; retrying in ${left} s`);
      setTimeout(countdown, 1000);
    };
    setTimeout(countdown, 1000);
  });
}

function closeLive() {
  const conn = state.conn;
  clearTimeout(conn.timer);
  conn.timer = null;
  const ws = conn.ws;
  conn.ws = null;
  if (ws) ws.close(1000, 'console closed');
}

function onLiveMessage(message) {
  switch (message.type) {
    case 'hello': {
      const conn = state.conn;
      const wasReconnect = conn.attempt > 0;
      conn.helloSeen = true;
      conn.attempt = 0;
      state.clockOffsetMs = message.serverTimeMs - Date.now();
      state.role = message.role ?? null;
      $('role').textContent = state.role ? `signed in as ${state.role}` : '';
      setConn('live', 'Live');
      // Whatever changed while we were away is only in the snapshot.
      if (wasReconnect) loadSnapshot();
      renderAlerts();
      renderParcels();
      renderRobotPanel();
      break;
    }
    case 'robot': upsertRobot(message.robot); break;
    case 'parcel': upsertParcel(message.parcel); break;
    case 'alert': upsertAlert(message.alert); break;
    default: break;
  }
}

// ---------------------------------------------------------------- start

function start() {
  setupMapInteraction();
  setupRobotPanel();
  setupParcels();
  $('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = $('token-input').value.trim();
    $('token-input').value = '';
    if (token) signIn(token);
  });
  $('sign-out').addEventListener('click', () => signOut(''));
  $('alerts-badge').addEventListener('click', () => $('alerts').focus());
  // Ages ("last report 4 s ago") move on even when nothing arrives.
  setInterval(() => { if (state.selected) renderRobotPanel(); }, 1000);

  // A login link may carry the token in the fragment (never sent to the server, so never in access logs); it is moved
  // to sessionStorage and wiped from the address bar and history at once.
  const fromHash = /^#token=([^&]+)/.exec(location.hash)?.[1];
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(fromHash));
    history.replaceState(null, '', location.pathname + location.search);
  }
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) signIn(token);
  else signOut('');
}

start();
