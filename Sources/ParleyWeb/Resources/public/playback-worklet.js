// Playback: 20 ms frames of 16 kHz audio from the server (Int16Array, posted by the main
// thread) through a small jitter buffer, resampled up to the context's rate.
//
// The buffer starts playing once `startFrames` frames are queued (40 ms by default) and plays
// silence when it runs dry, then waits for `startFrames` again. When more than `maxQueuedMs`
// is queued (a burst after a stall), the oldest audio is dropped down to the start level,
// so the delay never grows past that.
import { Resampler } from './resampler.js';

const WIRE_RATE = 16000;
const FRAME_SAMPLES = 320;
// Samples taken from the queue per resampling step.
const CHUNK = 32;

class PlaybackProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const settings = (options && options.processorOptions) || {};
    this.startSamples = (settings.startFrames || 2) * FRAME_SAMPLES;
    this.maxSamples = Math.round(((settings.maxQueuedMs || 200) * WIRE_RATE) / 1000);
    // Queue of 16 kHz samples: a ring of one second.
    this.queue = new Float32Array(WIRE_RATE);
    this.head = 0;
    this.queued = 0;
    this.playing = false;
    this.resampler = new Resampler(WIRE_RATE, sampleRate);
    this.chunk = new Float32Array(CHUNK);
    this.resampled = new Float32Array(this.resampler.maxOutput(CHUNK) + 8);
    // Resampled samples not yet played.
    this.pending = new Float32Array(4096);
    this.pendingStart = 0;
    this.pendingEnd = 0;
    this.stats = { frames: 0, underruns: 0, dropped: 0, queuedMs: 0 };
    this.lastReport = 0;
    this.running = true;
    // When tapped (tests), what is played goes back to the main thread in blocks.
    this.tap = null;
    this.tapFill = 0;
    this.port.onmessage = (event) => this.receive(event.data);
  }

  receive(data) {
    if (data instanceof Int16Array) {
      this.enqueue(data);
    } else if (data && data.type === 'reset') {
      this.queued = 0;
      this.playing = false;
      this.pendingStart = this.pendingEnd = 0;
    } else if (data && data.type === 'tap') {
      this.tap = data.on ? new Float32Array(4096) : null;
      this.tapFill = 0;
    } else if (data && data.type === 'stop') {
      this.running = false;
    }
  }

  enqueue(samples) {
    this.stats.frames++;
    const capacity = this.queue.length;
    for (let index = 0; index < samples.length; index++) {
      if (this.queued === capacity) {
        // Full (cannot happen while maxSamples < capacity): drop the oldest.
        this.head = (this.head + 1) % capacity;
        this.queued--;
      }
      this.queue[(this.head + this.queued) % capacity] = samples[index] / 32768;
      this.queued++;
    }
    if (this.queued > this.maxSamples) {
      const drop = this.queued - this.startSamples;
      this.head = (this.head + drop) % capacity;
      this.queued -= drop;
      this.stats.dropped += drop;
    }
  }

  /** Resamples queued audio until `needed` samples are pending or the queue is dry. */
  refill(needed) {
    while (this.pendingEnd - this.pendingStart < needed) {
      if (!this.playing) {
        if (this.queued < this.startSamples) return;
        this.playing = true;
      }
      if (this.queued === 0) {
        this.playing = false;
        this.stats.underruns++;
        return;
      }
      const take = Math.min(CHUNK, this.queued);
      const capacity = this.queue.length;
      for (let index = 0; index < take; index++) {
        this.chunk[index] = this.queue[(this.head + index) % capacity];
      }
      this.head = (this.head + take) % capacity;
      this.queued -= take;
      const count = this.resampler.process(this.chunk.subarray(0, take), this.resampled);
      if (this.pendingEnd + count > this.pending.length) {
        this.pending.copyWithin(0, this.pendingStart, this.pendingEnd);
        this.pendingEnd -= this.pendingStart;
        this.pendingStart = 0;
      }
      this.pending.set(this.resampled.subarray(0, count), this.pendingEnd);
      this.pendingEnd += count;
    }
  }

  process(inputs, outputs) {
    if (!this.running) return false;
    const output = outputs[0];
    const channel = output[0];
    this.refill(channel.length);
    const available = Math.min(channel.length, this.pendingEnd - this.pendingStart);
    channel.set(this.pending.subarray(this.pendingStart, this.pendingStart + available));
    channel.fill(0, available);
    this.pendingStart += available;
    if (this.pendingStart === this.pendingEnd) this.pendingStart = this.pendingEnd = 0;
    for (let index = 1; index < output.length; index++) output[index].set(channel);
    if (this.tap) this.tapOutput(channel);

    if (currentTime - this.lastReport >= 1) {
      this.lastReport = currentTime;
      this.stats.queuedMs = (this.queued * 1000) / WIRE_RATE;
      this.port.postMessage({ type: 'stats', ...this.stats });
    }
    return true;
  }

  tapOutput(channel) {
    if (this.tapFill + channel.length > this.tap.length) {
      const block = this.tap.slice(0, this.tapFill);
      this.port.postMessage({ type: 'tap', samples: block }, [block.buffer]);
      this.tapFill = 0;
    }
    this.tap.set(channel, this.tapFill);
    this.tapFill += channel.length;
  }
}

registerProcessor('parley-playback', PlaybackProcessor);
