import * as tf from '@tensorflow/tfjs';
import { UserError } from '../core/errors.js';

/*
 * Dynamic loss scaling for `--precision f16` (PyTorch GradScaler's rule and defaults): the loss is multiplied
 * by S before the backward pass, so that gradients too small for f16 (below 6e-8: the logits' gradient is
 * about 1 / (tokens x vocabulary), 2e-9 at GPT-2 small's batch) survive the f16 products; the optimizer
 * divides S out. A step whose scaled gradients overflowed (a non-finite gradient norm) changes nothing and
 * halves S; after `interval` finite steps in a row S doubles. Everything stays on the device: the loop never
 * waits for the GPU to decide.
 */

/** The scale's state: saved in checkpoints so that a resumed run continues with the same scale. */
export interface LossScaleState {
  scale: number;
  /** Finite steps since the last change of the scale. */
  goodSteps: number;
}

const INITIAL_LOSS_SCALE: LossScaleState = { scale: 2 ** 16, goodSteps: 0 };
const GROWTH_INTERVAL = 2000;

export class DynamicLossScale {
  private s: tf.Scalar;
  private good: tf.Scalar;

  constructor(state: LossScaleState = INITIAL_LOSS_SCALE, private readonly interval = GROWTH_INTERVAL) {
    this.s = tf.scalar(state.scale);
    this.good = tf.scalar(state.goodSteps);
  }

  /** S, on the device. */
  get scale(): tf.Scalar {
    return this.s;
  }

  /** After a step whose scaled gradients were finite (or not): the next step's S. */
  update(finite: tf.Scalar): void {
    const [s, good] = tf.tidy(() => {
      const counted = tf.where(finite, tf.add(this.good, 1), tf.zerosLike(this.good));
      const grow = tf.greaterEqual(counted, this.interval);
      const s1 = tf.where(finite, tf.where(grow, tf.mul(this.s, 2), this.s), tf.mul(this.s, 0.5));
      return [s1, tf.where(grow, tf.zerosLike(counted), counted)] as [tf.Scalar, tf.Scalar];
    });
    tf.dispose([this.s, this.good]);
    this.s = s;
    this.good = good;
  }

  async read(): Promise<LossScaleState> {
    return { scale: (await this.s.data())[0]!, goodSteps: (await this.good.data())[0]! };
  }

  dispose(): void {
    tf.dispose([this.s, this.good]);
  }
}

/**
 * S below 1 means dozens of steps in a row overflowed at any scale: values past f16's range (65,504) in the
 * forward pass, which no scale fixes. One error instead of a run that never updates its weights.
 */
export function checkLossScale(scale: number, step: number): void {
  if (scale < 1) throw new UserError(`--precision f16: every step overflowed f16 up to step ${step} (loss scale fell to ${scale}): activations exceed f16's range; use --precision f32`);
}
