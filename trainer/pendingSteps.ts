import { appendFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../core/errors.js';
import { checkLossScale } from './lossScale.js';
import { takeWebgpuErrors } from './webgpuDevice.js';

/** One line of metrics.jsonl. */
export interface MetricsRecord {
  step: number;
  loss: number;
  val_loss?: number;
  lr: number;
  tokens_per_s: number;
  grad_norm: number;
  seq_len: number;
  /** --precision f16: the loss scale the step ran with, and whether its scaled gradients overflowed (no update). */
  loss_scale?: number;
  skipped?: true;
}

/** A step whose loss and gradient norm are still on the device. */
export interface PendingStep {
  step: number;
  loss: tf.Scalar;
  norm: tf.Scalar;
  lr: number;
  seqLen: number;
  tokens: number;
  lossScale?: tf.Scalar;
}

/**
 * Steps not yet read back. On a GPU every read waits for the queue to drain, so the loop reads the losses
 * and norms of several steps at once (`--read-every`); the records, and tokens/s over the steps since the
 * previous read (device time included), then go to metrics.jsonl and the callback in step order.
 */
export class PendingSteps {
  private steps: PendingStep[] = [];
  private windowStart = performance.now();

  constructor(
    private readonly metricsFile: string,
    private readonly metrics: MetricsRecord[],
    private readonly onMetrics?: (m: MetricsRecord) => void,
  ) {}

  get size(): number {
    return this.steps.length;
  }

  add(s: PendingStep): void {
    this.steps.push(s);
  }

  /**
   * Reads every pending step back, then runs `afterRead` (an evaluation, kept out of the timing) and gives
   * its value to the last record as val_loss. A non-finite loss, or an error the WebGPU device reported
   * (its results would be garbage), is one UserError.
   */
  async flush(afterRead?: () => Promise<number | undefined>): Promise<void> {
    const steps = this.steps;
    this.steps = [];
    const values: Array<[number, number, number | undefined]> = [];
    try {
      for (const s of steps) values.push([(await s.loss.data())[0]!, (await s.norm.data())[0]!, s.lossScale && (await s.lossScale.data())[0]!]);
    } finally {
      for (const s of steps) disposeStep(s);
    }
    const seconds = (performance.now() - this.windowStart) / 1000;
    const errors = takeWebgpuErrors();
    if (errors.length) throw new Error(`the WebGPU device reported ${errors.length} error(s); first: ${errors[0]}`);
    const tokens = steps.reduce((n, s) => n + s.tokens, 0);
    const bad = values.findIndex(([loss]) => !Number.isFinite(loss));
    if (bad >= 0) throw new UserError(`loss became ${values[bad]![0]} at step ${steps[bad]!.step}: lower --lr`);
    const valLoss = afterRead ? await afterRead() : undefined;
    const lastScale = values.at(-1)?.[2];
    if (lastScale !== undefined) checkLossScale(lastScale, steps.at(-1)!.step);
    steps.forEach((s, i) => {
      const [loss, norm, scale] = values[i]!;
      const record: MetricsRecord = { step: s.step, loss, lr: s.lr, tokens_per_s: Math.round(tokens / seconds), grad_norm: norm, seq_len: s.seqLen };
      if (scale !== undefined) record.loss_scale = scale;
      if (scale !== undefined && !Number.isFinite(norm)) record.skipped = true;
      if (i === steps.length - 1 && valLoss !== undefined) record.val_loss = valLoss;
      appendFileSync(this.metricsFile, JSON.stringify(record) + '\n');
      this.metrics.push(record);
      this.onMetrics?.(record);
    });
    this.windowStart = performance.now();
  }

  /** Starts the next window's clock now (after a checkpoint, whose writing is not training time). */
  restartClock(): void {
    this.windowStart = performance.now();
  }

  /** Releases steps never read (a run that failed). */
  dispose(): void {
    for (const s of this.steps) disposeStep(s);
    this.steps = [];
  }
}

function disposeStep(s: PendingStep): void {
  tf.dispose([s.loss, s.norm, ...(s.lossScale ? [s.lossScale] : [])]);
}
