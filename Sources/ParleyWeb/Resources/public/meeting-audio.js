// The meeting page's audio: microphone capture and playback through AudioWorklets, and the
// binary frames of docs/web-protocol.md (8-byte header, 320 big-endian 16-bit samples).

export const FRAME_SAMPLES = 320;
export const FRAME_BYTES = 8 + 2 * FRAME_SAMPLES;
export const KIND_L16 = 1;
export const WIRE_RATE = 16000;

/** Builds the 648-byte frame for `samples` (Int16Array of 320). */
export function encodeFrame(samples, sequence, timestamp, talkSpurtStart) {
  const buffer = new ArrayBuffer(FRAME_BYTES);
  const view = new DataView(buffer);
  view.setUint8(0, KIND_L16);
  view.setUint8(1, talkSpurtStart ? 1 : 0);
  view.setUint16(2, sequence & 0xffff);
  view.setUint32(4, timestamp >>> 0);
  for (let index = 0; index < FRAME_SAMPLES; index++) {
    view.setInt16(8 + 2 * index, samples[index]);
  }
  return buffer;
}

/** The samples of a received frame, or null when it is not a 648-byte L16 frame. */
export function decodeFrame(buffer) {
  if (!(buffer instanceof ArrayBuffer) || buffer.byteLength !== FRAME_BYTES) return null;
  const view = new DataView(buffer);
  if (view.getUint8(0) !== KIND_L16) return null;
  const samples = new Int16Array(FRAME_SAMPLES);
  for (let index = 0; index < FRAME_SAMPLES; index++) {
    samples[index] = view.getInt16(8 + 2 * index);
  }
  return samples;
}

/** Whether the user turned audio processing off (echo cancellation, noise suppression, gain). */
export function audioProcessingWanted() {
  try {
    return window.localStorage.getItem('parley.audioProcessing') !== 'off';
  } catch {
    return true;
  }
}

/**
 * The AudioContext's rate to ask for: 16 kHz (the wire's rate, no resampling), unless
 * `localStorage["parley.contextRate"]` names another (tests use 48000 to exercise the
 * resampling that browsers without 16 kHz contexts need).
 */
function wantedContextRate() {
  try {
    const rate = Number(window.localStorage.getItem('parley.contextRate'));
    if (Number.isInteger(rate) && rate >= 8000 && rate <= 96000) return rate;
  } catch {
    // No storage: the default.
  }
  return WIRE_RATE;
}

/**
 * Microphone → capture worklet → `onFrame(Int16Array)`, and `play(Int16Array)` → playback
 * worklet → speakers. Either half may be missing: without a microphone (refused, absent, or
 * an insecure page) the participant still listens.
 */
export class MeetingAudio {
  constructor({ onFrame, onStats, onState, onPlayed }) {
    this.onFrame = onFrame;
    this.onStats = onStats || (() => {});
    this.onPlayed = onPlayed || (() => {});
    this.onState = onState || (() => {});
    this.context = null;
    this.stream = null;
    this.captureNode = null;
    this.playbackNode = null;
    this.microphone = 'off'; // off | asking | on | refused | unavailable
    this.microphoneError = null;
  }

  /** Starts playback and asks for the microphone. Resolves once both are settled. */
  async start() {
    this.context = this.makeContext(wantedContextRate());
    await this.loadWorklets();
    this.startPlayback();
    this.onState();
    await this.startCapture();
    this.onState();
  }

  makeContext(rate) {
    const options = { latencyHint: 'interactive' };
    if (rate) options.sampleRate = rate;
    const context = new AudioContext(options);
    context.onstatechange = () => this.onState();
    return context;
  }

  async loadWorklets() {
    await this.context.audioWorklet.addModule('/static/capture-worklet.js');
    await this.context.audioWorklet.addModule('/static/playback-worklet.js');
  }

  startPlayback() {
    this.playbackNode = new AudioWorkletNode(this.context, 'parley-playback', {
      numberOfInputs: 0,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      processorOptions: { startFrames: 2, maxQueuedMs: 200 },
    });
    this.playbackNode.port.onmessage = (event) => {
      if (event.data && event.data.type === 'stats') this.onStats(event.data);
      else if (event.data && event.data.type === 'tap') this.onPlayed(event.data.samples);
    };
    this.playbackNode.connect(this.context.destination);
  }

  async startCapture() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      this.microphone = 'unavailable';
      this.microphoneError = 'This page cannot use a microphone here (it needs HTTPS).';
      return;
    }
    this.microphone = 'asking';
    this.onState();
    const processing = audioProcessingWanted();
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({
        audio: {
          echoCancellation: processing,
          noiseSuppression: processing,
          autoGainControl: processing,
          channelCount: 1,
        },
      });
    } catch (error) {
      this.microphone = error && error.name === 'NotFoundError' ? 'unavailable' : 'refused';
      this.microphoneError =
        this.microphone === 'unavailable' ? 'No microphone was found.' : 'The microphone is blocked for this page.';
      return;
    }
    let source;
    try {
      source = this.context.createMediaStreamSource(this.stream);
    } catch {
      // Some browsers cannot connect a microphone to a context at another rate: run the
      // context at the browser's rate instead; the worklets resample either way.
      await this.restartAtNativeRate();
      source = this.context.createMediaStreamSource(this.stream);
    }
    this.captureNode = new AudioWorkletNode(this.context, 'parley-capture', {
      numberOfInputs: 1,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      channelCount: 1,
      channelCountMode: 'explicit',
      channelInterpretation: 'speakers',
    });
    this.captureNode.port.onmessage = (event) => {
      if (event.data instanceof Int16Array) this.onFrame(event.data);
    };
    source.connect(this.captureNode);
    // Connected (silent) so that the graph pulls the node.
    this.captureNode.connect(this.context.destination);
    this.microphone = 'on';
  }

  async restartAtNativeRate() {
    if (this.playbackNode) this.playbackNode.disconnect();
    await this.context.close();
    this.context = this.makeContext(null);
    await this.loadWorklets();
    this.startPlayback();
  }

  /** Whether the browser holds the context until the user interacts with the page. */
  get suspended() {
    return this.context !== null && this.context.state === 'suspended';
  }

  resume() {
    return this.context ? this.context.resume() : Promise.resolve();
  }

  /** Queues one received frame for playback (the array's buffer is transferred). */
  play(samples) {
    if (this.playbackNode) this.playbackNode.port.postMessage(samples, [samples.buffer]);
  }

  /** Sends what is played (Float32Array blocks at the context's rate) to `onPlayed`, or stops. */
  tapPlayback(on) {
    if (this.playbackNode) this.playbackNode.port.postMessage({ type: 'tap', on });
  }

  /** Forgets queued playback, after a reconnect. */
  resetPlayback() {
    if (this.playbackNode) this.playbackNode.port.postMessage({ type: 'reset' });
  }

  description() {
    return {
      contextRate: this.context ? this.context.sampleRate : null,
      contextState: this.context ? this.context.state : 'none',
      microphone: this.microphone,
      processing: audioProcessingWanted(),
    };
  }

  async stop() {
    if (this.stream) for (const track of this.stream.getTracks()) track.stop();
    if (this.captureNode) this.captureNode.port.postMessage({ type: 'stop' });
    if (this.playbackNode) this.playbackNode.port.postMessage({ type: 'stop' });
    if (this.context && this.context.state !== 'closed') await this.context.close();
    this.microphone = 'off';
  }
}
