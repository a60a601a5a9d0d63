// The meeting page: roster, chat, mute and host controls over the meeting's WebSocket, and
// the microphone and speakers through AudioWorklets. See docs/web-protocol.md.
//
// All text from the server is shown with textContent, never as HTML.
// `window.parleyTest` is the hook the Chromium interop tests use (see the end of the file).
//
// Two settings in localStorage, for tests and troubleshooting:
//   parley.audioProcessing = "off"   no echo cancellation, noise suppression or gain control
//   parley.contextRate = "48000"     run the AudioContext at that rate (default 16000)
import { MeetingAudio, encodeFrame, decodeFrame, FRAME_SAMPLES } from './meeting-audio.js';
import { MeetingSocket } from './meeting-socket.js';

const main = document.querySelector('[data-ticket]');
const $ = (id) => document.getElementById(id);

const page = {
  meetingID: main.dataset.meetingId,
  socketURL: socketURL(main.dataset.socket),
  ticket: main.dataset.ticket,
  participant: null,
  host: main.dataset.host === 'true',
  muted: false,
  locked: false,
  roster: [],
  chat: [],
  ended: null,
  closeCode: null,
};

const stats = {
  sentFrames: 0,
  droppedSendFrames: 0,
  receivedFrames: 0,
  badFrames: 0,
  playback: null,
  recording: null,
};

// Outgoing frame numbering: a random start, as RTP does; timestamps on the 8 kHz clock.
let sequence = Math.floor(Math.random() * 0x10000);
let timestamp = Math.floor(Math.random() * 0x100000000);
let talkSpurtStart = true;

function socketURL(path) {
  const url = new URL(path, window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

// MARK: Audio

const audio = new MeetingAudio({
  onFrame: sendFrame,
  onStats: (playback) => {
    stats.playback = playback;
  },
  onState: renderAudioState,
  onPlayed: (samples) => {
    if (stats.recording) stats.recording.played.push(samples);
  },
});

function sendFrame(samples) {
  if (stats.recording) stats.recording.sent.push(samples.slice());
  const frame = encodeFrame(samples, sequence, timestamp, talkSpurtStart);
  if (connection.sendAudio(frame)) {
    stats.sentFrames++;
    sequence = (sequence + 1) & 0xffff;
    timestamp = (timestamp + 160) >>> 0;
    talkSpurtStart = false;
  } else {
    stats.droppedSendFrames++;
  }
}

function receiveFrame(buffer) {
  const samples = decodeFrame(buffer);
  if (!samples) {
    stats.badFrames++;
    return;
  }
  stats.receivedFrames++;
  if (stats.recording) stats.recording.received.push(samples.slice());
  audio.play(samples);
}

async function startAudio() {
  try {
    await audio.start();
  } catch (error) {
    showAlert(`Audio could not start: ${error && error.message ? error.message : error}`);
  }
  renderAudioState();
}

function renderAudioState() {
  const button = $('start-audio');
  button.hidden = !audio.suspended;
  const note = $('microphone-note');
  note.textContent = audio.microphoneError ? `${audio.microphoneError} You can listen, but others cannot hear you.` : '';
  note.hidden = !audio.microphoneError;
}

// MARK: Connection

const connection = new MeetingSocket({
  url: page.socketURL,
  ticket: page.ticket,
  onMessage: receiveMessage,
  onAudio: receiveFrame,
  onState: connectionChanged,
});

function connectionChanged(state, detail) {
  main.dataset.connection = state;
  if (state === 'connecting') {
    setStatus('Connecting…');
  } else if (state === 'reconnecting') {
    setStatus('Reconnecting…');
    talkSpurtStart = true;
    audio.resetPlayback();
  } else if (state === 'joined') {
    page.participant = connection.participant;
    setStatus(page.muted ? 'Connected. You are muted.' : 'Connected.');
    talkSpurtStart = true;
  } else if (state === 'failed') {
    setStatus('');
    showAlert('The connection to the meeting was lost and could not be restored.');
    $('retry').hidden = false;
  } else if (state === 'closed') {
    page.closeCode = detail.code;
    finish(detail);
  }
  renderControls();
}

const CLOSE_MESSAGES = {
  1000: 'You left the meeting.',
  1008: 'The server closed the connection: the page broke the protocol. Reload the page to join again.',
  1009: 'The server closed the connection: a message was too large.',
  4000: 'The meeting has ended.',
  4001: 'The host removed you from the meeting.',
  4003: 'You cannot join this meeting now.',
};

function finish(detail) {
  const ended = detail.ended || page.ended;
  const message = (ended && ended.message) || CLOSE_MESSAGES[detail.code] || 'The connection was closed.';
  setStatus('');
  $('ended-message').textContent = message;
  $('ended-panel').hidden = false;
  $('meeting-live').hidden = true;
  const rejoin = !ended || !['meeting_ended', 'ejected', 'not_found'].includes(ended.reason);
  $('rejoin').hidden = !rejoin;
  audio.stop();
  $('ended-panel').focus();
}

function receiveMessage(message) {
  switch (message.type) {
    case 'welcome':
      page.participant = message.participant;
      page.host = Boolean(message.host);
      page.muted = Boolean(message.muted);
      if (message.title) $('meeting-title').textContent = message.title;
      renderControls();
      break;
    case 'roster':
      updateRoster(message);
      break;
    case 'chat':
      addChat(message);
      break;
    case 'chatHistory':
      $('chat-log').replaceChildren();
      page.chat = [];
      for (const item of message.messages || []) addChat(item);
      break;
    case 'muted':
      page.muted = Boolean(message.muted);
      if (message.by === 'host') setStatus(page.muted ? 'The host muted you.' : 'The host unmuted you.');
      else setStatus(page.muted ? 'You are muted.' : 'You are unmuted.');
      renderControls();
      break;
    case 'error':
      showAlert(errorText(message));
      break;
    case 'ended':
      page.ended = message;
      break;
    default:
      // pong, and types a newer server may add.
      break;
  }
}

function errorText(message) {
  const known = {
    host_only: 'Only a host can do that.',
    rate_limited: 'Slow down: too many messages.',
    unknown_participant: 'That participant is no longer in the meeting.',
    bad_request: 'The server did not understand the request.',
  };
  return message.message || known[message.code] || 'The request was refused.';
}

// MARK: Roster

/** Rows by participant id, updated in place so focus stays on a button being used. */
const rows = new Map();

function updateRoster(message) {
  const before = new Map(page.roster.map((participant) => [participant.id, participant]));
  page.roster = Array.isArray(message.participants) ? message.participants : [];
  page.locked = Boolean(message.locked);
  const list = $('roster');
  const seen = new Set();
  for (const participant of page.roster) {
    seen.add(participant.id);
    let row = rows.get(participant.id);
    if (!row) {
      row = makeRow(participant);
      rows.set(participant.id, row);
      if (before.size > 0 && participant.id !== page.participant) announce(`${participant.name} joined.`);
    }
    fillRow(row, participant);
    list.appendChild(row.element); // keeps the server's order; moving keeps focus
  }
  for (const [id, row] of rows) {
    if (!seen.has(id)) {
      const gone = before.get(id);
      if (gone) announce(`${gone.name} left.`);
      row.element.remove();
      rows.delete(id);
    }
  }
  $('roster-count').textContent = `(${page.roster.length})`;
  renderControls();
}

function makeRow(participant) {
  const element = document.createElement('li');
  element.className = 'participant';
  element.dataset.participant = participant.id;
  const name = document.createElement('span');
  name.className = 'participant-name';
  const badges = document.createElement('span');
  badges.className = 'participant-badges';
  const state = document.createElement('span');
  state.className = 'participant-state';
  const actions = document.createElement('span');
  actions.className = 'participant-actions';
  const mute = document.createElement('button');
  mute.type = 'button';
  mute.className = 'participant-mute';
  mute.addEventListener('click', () => {
    const current = page.roster.find((item) => item.id === participant.id);
    if (current) connection.send({ type: 'muteParticipant', participant: current.id, muted: !current.muted });
  });
  const eject = document.createElement('button');
  eject.type = 'button';
  eject.className = 'participant-eject danger';
  eject.textContent = 'Remove';
  eject.addEventListener('click', () => {
    const current = page.roster.find((item) => item.id === participant.id);
    if (current && window.confirm(`Remove ${current.name} from the meeting?`)) {
      connection.send({ type: 'eject', participant: current.id });
    }
  });
  actions.append(mute, eject);
  element.append(name, badges, state, actions);
  return { element, name, badges, state, actions, mute, eject };
}

function fillRow(row, participant) {
  const you = participant.id === page.participant;
  row.name.textContent = participant.name || '(no name)';
  const badges = [];
  if (you) badges.push(['you', 'you']);
  if (participant.host) badges.push(['host', 'host']);
  badges.push(participant.kind === 'sip' ? ['phone', 'phone'] : ['web', 'browser']);
  if (participant.waiting) badges.push(['waiting', 'waiting']);
  row.badges.replaceChildren(
    ...badges.map(([kind, text]) => {
      const badge = document.createElement('span');
      badge.className = `badge badge-${kind}`;
      badge.textContent = text;
      return badge;
    }),
  );
  row.element.classList.toggle('talking', Boolean(participant.talking));
  row.element.classList.toggle('muted', Boolean(participant.muted));
  row.element.classList.toggle('you', you);
  const state = [];
  if (participant.muted) state.push('muted');
  if (participant.talking) state.push('talking');
  row.state.textContent = state.join(', ');
  row.actions.hidden = !page.host;
  row.mute.textContent = participant.muted ? 'Unmute' : 'Mute';
  row.mute.setAttribute('aria-label', `${participant.muted ? 'Unmute' : 'Mute'} ${participant.name}`);
  row.eject.setAttribute('aria-label', `Remove ${participant.name} from the meeting`);
  row.eject.hidden = you;
}

// MARK: Chat

function addChat(message) {
  page.chat.push({ participant: message.participant, name: message.name, text: message.text, at: message.at });
  const item = document.createElement('li');
  item.className = 'chat-message';
  if (message.participant === page.participant) item.classList.add('own');
  const who = document.createElement('span');
  who.className = 'chat-name';
  who.textContent = message.name || '';
  const when = document.createElement('time');
  when.className = 'chat-time';
  if (message.at) {
    when.dateTime = message.at;
    const date = new Date(message.at);
    when.textContent = Number.isNaN(date.getTime()) ? '' : date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }
  const text = document.createElement('span');
  text.className = 'chat-text';
  text.textContent = message.text || '';
  item.append(who, when, text);
  const log = $('chat-log');
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  log.appendChild(item);
  if (atBottom) log.scrollTop = log.scrollHeight;
}

// MARK: Controls and status

function renderControls() {
  const joined = connection.state === 'joined';
  const mute = $('mute');
  // The label says what the button does; no aria-pressed, which would contradict it.
  mute.textContent = page.muted ? 'Unmute' : 'Mute';
  mute.classList.toggle('active', page.muted);
  mute.disabled = !joined;
  $('chat-send').disabled = !joined;
  $('host-controls').hidden = !page.host;
  const lock = $('lock');
  lock.textContent = page.locked ? 'Unlock meeting' : 'Lock meeting';
  lock.classList.toggle('active', page.locked);
  lock.disabled = !joined;
  $('mute-all').disabled = !joined;
  $('locked-note').hidden = !page.locked;
  for (const row of rows.values()) row.actions.hidden = !page.host;
}

function setStatus(text) {
  $('status').textContent = text;
}

function announce(text) {
  $('announcements').textContent = text;
}

let alertTimer = null;
function showAlert(text) {
  const alert = $('alert');
  alert.textContent = text;
  alert.hidden = false;
  clearTimeout(alertTimer);
  alertTimer = setTimeout(() => {
    alert.hidden = true;
  }, 8000);
}

function wireControls() {
  $('mute').addEventListener('click', () => connection.send({ type: 'mute', muted: !page.muted }));
  $('leave').addEventListener('click', () => connection.leave());
  $('mute-all').addEventListener('click', () => connection.send({ type: 'muteAll' }));
  $('lock').addEventListener('click', () => connection.send({ type: 'lock', locked: !page.locked }));
  $('start-audio').addEventListener('click', async () => {
    await audio.resume();
    renderAudioState();
  });
  $('retry').addEventListener('click', () => {
    $('retry').hidden = true;
    $('alert').hidden = true;
    connection.attempt = 0;
    connection.droppedAt = 0;
    connection.connect();
  });
  $('chat-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $('chat-text');
    const text = input.value.trim();
    if (!text) return;
    if (connection.send({ type: 'chat', text: text.slice(0, 1000) })) input.value = '';
  });
  window.addEventListener('pagehide', () => {
    if (connection.state === 'joined') connection.leave();
  });
}

// MARK: Test hook

function base64OfSamples(chunks) {
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const samples = new Int16Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    if (chunk instanceof Float32Array) {
      for (let index = 0; index < chunk.length; index++) {
        samples[offset + index] = Math.round(Math.max(-1, Math.min(1, chunk[index])) * 32767);
      }
    } else {
      samples.set(chunk, offset);
    }
    offset += chunk.length;
  }
  // Little-endian bytes, as the platforms the tests run on store Int16.
  const bytes = new Uint8Array(samples.buffer);
  let binary = '';
  for (let index = 0; index < bytes.length; index += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(index, index + 0x8000));
  }
  return btoa(binary);
}

/**
 * For the Chromium interop tests: the page's state, counters, and recordings of the 16 kHz
 * samples received from the server (before playback resampling) and sent from the microphone.
 */
window.parleyTest = {
  state() {
    return {
      connection: connection.state,
      participant: page.participant,
      meetingID: page.meetingID,
      host: page.host,
      muted: page.muted,
      locked: page.locked,
      roster: page.roster,
      chat: page.chat,
      ended: page.ended,
      closeCode: page.closeCode,
      connects: connection.connects,
      sentFrames: stats.sentFrames,
      droppedSendFrames: stats.droppedSendFrames,
      receivedFrames: stats.receivedFrames,
      badFrames: stats.badFrames,
      playback: stats.playback,
      audio: audio.description(),
    };
  },
  startRecording() {
    stats.recording = { received: [], sent: [], played: [] };
    audio.tapPlayback(true);
    return true;
  },
  /**
   * Base64 of little-endian Int16 samples: `received` from the server and `sent` to it (16 kHz),
   * and `played`, the playback worklet's output at the context's rate (`playedRate`).
   */
  stopRecording() {
    const recording = stats.recording || { received: [], sent: [], played: [] };
    stats.recording = null;
    audio.tapPlayback(false);
    return {
      rate: 16000,
      frameSamples: FRAME_SAMPLES,
      received: base64OfSamples(recording.received),
      sent: base64OfSamples(recording.sent),
      played: base64OfSamples(recording.played),
      playedRate: audio.context ? audio.context.sampleRate : null,
      receivedFrames: recording.received.length,
      sentFrames: recording.sent.length,
    };
  },
  sentFrames: () => stats.sentFrames,
  receivedFrames: () => stats.receivedFrames,
  dropConnection: () => connection.simulateDrop(),
};

// MARK: Start

$('meeting-app').hidden = false;
wireControls();
renderControls();
connection.connect();
startAudio();
