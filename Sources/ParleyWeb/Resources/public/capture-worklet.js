// Microphone capture: the context's audio (any rate) down to 16 kHz, cut into 20 ms frames
// of 320 16-bit samples, each posted to the main thread as an Int16Array (its buffer
// transferred). The main thread adds the header of docs/web-protocol.md and sends it.
import { Resampler } from './resampler.js';

const FRAME_SAMPLES = 320;
const WIRE_RATE = 16000;

class CaptureProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    // `sampleRate` is the context's rate, a global of the worklet scope.
    this.resampler = new Resampler(sampleRate, WIRE_RATE);
    this.scratch = new Float32Array(this.resampler.maxOutput(128) + 16);
    this.frame = new Int16Array(FRAME_SAMPLES);
    this.fill = 0;
    this.running = true;
    this.port.onmessage = (event) => {
      if (event.data && event.data.type === 'stop') this.running = false;
    };
  }

  process(inputs) {
    if (!this.running) return false;
    const channel = inputs[0] && inputs[0][0];
    // No channel: the track is not connected or has ended; nothing to send.
    if (!channel) return true;
    if (this.scratch.length < this.resampler.maxOutput(channel.length)) {
      this.scratch = new Float32Array(this.resampler.maxOutput(channel.length));
    }
    const count = this.resampler.process(channel, this.scratch);
    for (let index = 0; index < count; index++) {
      const value = Math.max(-1, Math.min(1, this.scratch[index]));
      this.frame[this.fill++] = value < 0 ? Math.round(value * 32768) : Math.round(value * 32767);
      if (this.fill === FRAME_SAMPLES) {
        this.port.postMessage(this.frame, [this.frame.buffer]);
        this.frame = new Int16Array(FRAME_SAMPLES);
        this.fill = 0;
      }
    }
    // The output (connected so the graph pulls this node) stays silent.
    return true;
  }
}

registerProcessor('parley-capture', CaptureProcessor);
