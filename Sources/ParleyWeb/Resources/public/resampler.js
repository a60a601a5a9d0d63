// A streaming band-limited resampler (windowed-sinc interpolation), used by the capture
// worklet (the context's rate down to 16 kHz) and the playback worklet (16 kHz up to the
// context's rate). No allocation per call: callers pass the output array.
//
// The kernel is a Blackman-windowed sinc whose cutoff is 0.92 of the lower Nyquist frequency,
// tabulated at 256 points per input sample. With 8 zero crossings each side it reaches
// about 60 dB of stop-band rejection: plenty for speech, and it keeps a 700 Hz tone clean.

const RESOLUTION = 256;

export class Resampler {
  /**
   * @param {number} inRate input samples per second
   * @param {number} outRate output samples per second
   * @param {number} zeroCrossings kernel half-width in zero crossings of the sinc
   */
  constructor(inRate, outRate, zeroCrossings = 8) {
    this.inRate = inRate;
    this.outRate = outRate;
    this.passthrough = inRate === outRate;
    // Input samples per output sample.
    this.step = inRate / outRate;
    const cutoff = Math.min(1, outRate / inRate) * 0.92;
    this.half = Math.ceil(zeroCrossings / cutoff);
    const length = this.half * RESOLUTION + 2;
    this.kernel = new Float32Array(length);
    for (let index = 0; index < length; index++) {
      const x = index / RESOLUTION;
      const u = x / this.half;
      if (u >= 1) break;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * cutoff * x) / (Math.PI * cutoff * x);
      const window = 0.42 + 0.5 * Math.cos(Math.PI * u) + 0.08 * Math.cos(2 * Math.PI * u);
      this.kernel[index] = cutoff * sinc * window;
    }
    // History of input samples; starts with `half` zeros so the first output has its past.
    this.buffer = new Float32Array(4096);
    this.length = this.half;
    // Position of the next output sample, in input samples from the start of `buffer`.
    this.time = this.half;
  }

  /** At most how many samples `process` returns for `inputLength` input samples. */
  maxOutput(inputLength) {
    return Math.ceil((inputLength + 2 * this.half + 2) / this.step) + 2;
  }

  /**
   * Appends `input` and writes as many output samples as are ready into `output`
   * (at least `maxOutput(input.length)` long); returns how many.
   * @param {Float32Array} input
   * @param {Float32Array} output
   */
  process(input, output) {
    if (this.passthrough) {
      output.set(input);
      return input.length;
    }
    this.append(input);
    const { buffer, kernel, half, step } = this;
    let count = 0;
    let time = this.time;
    while (Math.floor(time) + half < this.length && count < output.length) {
      const base = Math.floor(time);
      let sum = 0;
      for (let k = base - half + 1; k <= base + half; k++) {
        const distance = Math.abs(k - time) * RESOLUTION;
        const index = distance | 0;
        const fraction = distance - index;
        sum += buffer[k] * (kernel[index] + (kernel[index + 1] - kernel[index]) * fraction);
      }
      output[count++] = sum;
      time += step;
    }
    // Drop what no future output needs.
    const keep = Math.floor(time) - half + 1;
    if (keep > 0) {
      buffer.copyWithin(0, keep, this.length);
      this.length -= keep;
      time -= keep;
    }
    this.time = time;
    return count;
  }

  append(input) {
    if (this.length + input.length > this.buffer.length) {
      const larger = new Float32Array(Math.max(this.buffer.length * 2, this.length + input.length));
      larger.set(this.buffer.subarray(0, this.length));
      this.buffer = larger;
    }
    this.buffer.set(input, this.length);
    this.length += input.length;
  }
}
