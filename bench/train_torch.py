"""PyTorch reference for bench/train.ts: the same GPT (GPT-2 shape, pre-LN, tanh GELU, tied embeddings),
the same AdamW / warmup + cosine schedule / clipping, trained on the same tokens.bin, in float32 eager mode on
the CPU or, with --device cuda (the default where CUDA is there), the GPU. Prints one JSON line.
Run with Debian's python3-torch: /usr/bin/python3 bench/train_torch.py --data DIR ..."""
import argparse, json, math, os, resource, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.ln2 = nn.LayerNorm(dim)
        self.fc = nn.Linear(dim, 4 * dim)
        self.out = nn.Linear(4 * dim, dim)

    def forward(self, x, mask):
        b, t, d = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=2)
        q, k, v = (z.view(b, t, self.heads, d // self.heads).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(d // self.heads)
        att = att.masked_fill(mask[:t, :t] == 0, float('-inf')).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(b, t, d)
        x = x + self.proj(y)
        return x + self.out(F.gelu(self.fc(self.ln2(x)), approximate='tanh'))


class GPT(nn.Module):
    def __init__(self, vocab, context, layers, heads, dim):
        super().__init__()
        self.wte = nn.Embedding(vocab, dim)
        self.wpe = nn.Embedding(context, dim)
        self.blocks = nn.ModuleList(Block(dim, heads) for _ in range(layers))
        self.lnf = nn.LayerNorm(dim)
        self.register_buffer('mask', torch.tril(torch.ones(context, context)))
        for name, p in self.named_parameters():
            if p.dim() >= 2:
                std = 0.02 / math.sqrt(2 * layers) if name.endswith(('proj.weight', 'out.weight')) else 0.02
                nn.init.normal_(p, 0, std)
            elif name.endswith('bias'):
                nn.init.zeros_(p)

    def forward(self, idx):
        t = idx.shape[1]
        x = self.wte(idx) + self.wpe(torch.arange(t, device=idx.device))
        for blk in self.blocks:
            x = blk(x, self.mask)
        return self.lnf(x) @ self.wte.weight.T


def main():
    ap = argparse.ArgumentParser()
    for k in ('vocab', 'context', 'layers', 'heads', 'dim', 'batch', 'steps', 'warmup', 'seed', 'val_start', 'val_end', 'eval_batches'):
        ap.add_argument('--' + k.replace('_', '-'), type=int, required=k not in ('seed', 'eval_batches'))
    ap.add_argument('--lr', type=float, default=1e-3)
    ap.add_argument('--data', required=True)
    ap.add_argument('--threads', type=int, default=os.cpu_count())
    ap.add_argument('--device', choices=('auto', 'cpu', 'cuda'), default='auto')
    a = ap.parse_args()
    device = ('cuda' if torch.cuda.is_available() else 'cpu') if a.device == 'auto' else a.device
    # Timings wait for the GPU's queue; on the CPU this is a no-op.
    sync = torch.cuda.synchronize if device == 'cuda' else (lambda: None)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed or 1)
    manifest = json.load(open(os.path.join(a.data, 'manifest.json')))
    dtype = np.uint16 if manifest['dtype'] == 'uint16' else np.uint32
    data = np.memmap(os.path.join(a.data, 'tokens.bin'), dtype=dtype, mode='r')
    rng = np.random.default_rng(a.seed or 1)
    model = GPT(a.vocab, a.context, a.layers, a.heads, a.dim).to(device)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{'params': decay, 'weight_decay': 0.1}, {'params': no_decay, 'weight_decay': 0.0}], lr=a.lr, betas=(0.9, 0.95), eps=1e-8)
    min_lr = a.lr / 10

    def lr_at(s):
        if s < a.warmup:
            return a.lr * (s + 1) / a.warmup
        p = (s - a.warmup) / max(1, a.steps - a.warmup)
        return min_lr + 0.5 * (1 + math.cos(math.pi * p)) * (a.lr - min_lr)

    times, cpu = [], []
    for step in range(a.steps):
        t0 = time.perf_counter()
        c0 = time.process_time()  # CPU seconds of all threads: robust to other load on a shared machine
        starts = rng.integers(0, a.val_start - a.context - 1, a.batch)
        w = torch.from_numpy(np.stack([data[s:s + a.context + 1].astype(np.int64) for s in starts])).to(device)
        for g in opt.param_groups:
            g['lr'] = lr_at(step)
        logits = model(w[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, a.vocab), w[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sync()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    # Validation: the same consecutive windows bench/train.ts evaluates (from the start of the held-out split).
    model.eval()
    losses, pos = [], a.val_start
    with torch.no_grad():
        for _ in range(a.eval_batches or 4):
            rows = min(a.batch, (a.val_end - pos - 1) // a.context)
            if rows <= 0:
                break
            w = torch.from_numpy(data[pos:pos + rows * a.context + 1].astype(np.int64)).to(device)
            x = w[:-1].view(rows, a.context)
            y = w[1:].view(rows, a.context)
            losses.append(F.cross_entropy(model(x).reshape(-1, a.vocab), y.reshape(-1)).item() * rows)
            pos += rows * a.context
    steady = sorted(times[1:] or times)[len(times[1:] or times) // 2]
    cpu_steady = sorted(cpu[1:] or cpu)[len(cpu[1:] or cpu) // 2]
    print(json.dumps({'tokens_per_s': a.batch * a.context / steady, 'tokens_per_cpu_s': a.batch * a.context / cpu_steady, 'val_loss': sum(losses) / max(1, (pos - a.val_start) // a.context),
                      'train_loss': loss.item(), 'threads': torch.get_num_threads(), 'torch': torch.__version__, 'device': device,
                      'device_name': torch.cuda.get_device_name() if device == 'cuda' else 'cpu',
                      # GPU: the caching allocator's peak; CPU: the process's peak resident set.
                      'memory_bytes': torch.cuda.max_memory_reserved() if device == 'cuda' else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))


if __name__ == '__main__':
    main()
