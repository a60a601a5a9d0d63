// The meeting's WebSocket (docs/web-protocol.md): `hello` first, JSON signalling in text
// frames, audio in binary frames, and reconnection after a drop with the same ticket.
//
// States: connecting → joined → (dropped → reconnecting → joined …) → closed.
// A close with a code in FINAL_CODES, or after an `ended` frame, is the end: no reconnect.
// Any other close, a network error, or a silent socket (nothing for WATCHDOG_MS) reconnects
// at once, then after 1, 2 and 4 seconds, then every 4 seconds until GIVE_UP_MS have passed.

export const PROTOCOL_VERSION = 1;
export const FINAL_CODES = new Set([1000, 1008, 1009, 4000, 4001, 4003]);
const RETRY_DELAYS_MS = [0, 1000, 2000, 4000];
const RETRY_EVERY_MS = 4000;
const GIVE_UP_MS = 60000;
const PING_EVERY_MS = 5000;
const WATCHDOG_MS = 12000;
const HELLO_TIMEOUT_MS = 8000;

export class MeetingSocket {
  /**
   * @param {object} options
   * @param {string} options.url ws: or wss: URL of the socket
   * @param {string} options.ticket the join ticket from the page
   * @param {(message: object) => void} options.onMessage every JSON message
   * @param {(buffer: ArrayBuffer) => void} options.onAudio every binary frame
   * @param {(state: string, detail: object) => void} options.onState state changes
   */
  constructor({ url, ticket, onMessage, onAudio, onState }) {
    this.url = url;
    this.ticket = ticket;
    this.onMessage = onMessage;
    this.onAudio = onAudio;
    this.onState = onState;
    this.state = 'idle';
    this.socket = null;
    this.participant = null;
    this.ended = null;
    this.attempt = 0;
    this.droppedAt = 0;
    this.retryTimer = null;
    this.pingTimer = null;
    this.lastHeard = 0;
    this.connects = 0;
  }

  connect() {
    this.clearTimers();
    this.connects++;
    this.setState(this.participant ? 'reconnecting' : 'connecting');
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch (error) {
      this.dropped({ reason: String(error) });
      return;
    }
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    this.welcomed = false;
    this.lastHeard = Date.now();
    socket.onopen = () => {
      const hello = { type: 'hello', version: PROTOCOL_VERSION, ticket: this.ticket };
      if (this.participant) hello.participant = this.participant;
      socket.send(JSON.stringify(hello));
    };
    socket.onmessage = (event) => {
      this.lastHeard = Date.now();
      if (typeof event.data === 'string') {
        this.receiveText(event.data);
      } else {
        this.onAudio(event.data);
      }
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.closed(event.code, event.reason);
    };
    // An error is always followed by a close event, which decides what happens next.
    socket.onerror = () => {};
    // Keep-alive and watchdog: a socket that hears nothing for a while is dead.
    this.pingTimer = setInterval(() => {
      if (this.socket !== socket) return;
      const quiet = Date.now() - this.lastHeard;
      if ((!this.welcomed && quiet > HELLO_TIMEOUT_MS) || quiet > WATCHDOG_MS) {
        this.abandon(socket, 'no answer from the server');
      } else if (this.welcomed && socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify({ type: 'ping' }));
      }
    }, PING_EVERY_MS);
  }

  receiveText(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (!message || typeof message.type !== 'string') return;
    if (message.type === 'welcome') {
      this.welcomed = true;
      this.participant = message.participant || this.participant;
      this.attempt = 0;
      this.droppedAt = 0;
      this.setState('joined');
    } else if (message.type === 'ended') {
      this.ended = message;
    }
    this.onMessage(message);
  }

  closed(code, reason) {
    this.clearTimers();
    if (this.ended || FINAL_CODES.has(code)) {
      this.setState('closed', { code, reason, ended: this.ended });
      return;
    }
    this.dropped({ code, reason });
  }

  /** Closes `socket` without waiting for its close handshake and treats it as a drop. */
  abandon(socket, reason) {
    socket.onclose = socket.onmessage = socket.onopen = null;
    try {
      socket.close();
    } catch {
      // Closing a socket that never opened can throw; it is gone either way.
    }
    if (this.socket === socket) this.socket = null;
    this.clearTimers();
    this.dropped({ reason });
  }

  dropped(detail) {
    const now = Date.now();
    if (!this.droppedAt) this.droppedAt = now;
    if (now - this.droppedAt > GIVE_UP_MS) {
      this.setState('failed', detail);
      return;
    }
    const delay = this.attempt < RETRY_DELAYS_MS.length ? RETRY_DELAYS_MS[this.attempt] : RETRY_EVERY_MS;
    this.attempt++;
    this.setState('reconnecting', { ...detail, delay, attempt: this.attempt });
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  /** Sends a JSON message; false when the socket is not joined. */
  send(message) {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN || !this.welcomed) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /** Sends a binary frame unless the socket is not joined or is backed up (then false). */
  sendAudio(buffer) {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN || !this.welcomed) return false;
    // More than half a second unsent: drop rather than add delay.
    if (socket.bufferedAmount > 25 * buffer.byteLength) return false;
    socket.send(buffer);
    return true;
  }

  leave() {
    if (!this.send({ type: 'leave' })) this.close();
  }

  /** Ends the connection from this side, without reconnecting. */
  close() {
    this.clearTimers();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onclose = socket.onmessage = socket.onopen = null;
      socket.close(1000);
    }
    this.setState('closed', { code: 1000, reason: 'left' });
  }

  /** For tests: drops the connection as a network failure would. */
  simulateDrop() {
    if (this.socket) this.abandon(this.socket, 'simulated drop');
  }

  clearTimers() {
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    this.retryTimer = this.pingTimer = null;
  }

  setState(state, detail = {}) {
    this.state = state;
    this.onState(state, detail);
  }
}
