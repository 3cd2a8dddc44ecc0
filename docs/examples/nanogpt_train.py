"""Train on a corpusforge token folder with plain PyTorch, the way nanoGPT's train.py reads train.bin.

corpusforge's tokens.bin *is* nanoGPT's train.bin layout (flat little-endian uint16, or uint32 when the
vocabulary exceeds 65536, each document followed by the end-of-text id), so any nanoGPT-style loop can read it
with np.memmap. This script holds out the tail as validation exactly as `corpusforge train` does (from the
first document boundary after 95%), samples random windows, and trains a small GPT. For nanoGPT itself:
copy tokens.bin to data/<name>/train.bin (and a split of it to val.bin), set vocab_size from manifest.json.
Data-parallel jobs (torchrun) give each rank its own slice or seed, as corpusforge's --rank/--world-size do.

    python3 docs/examples/nanogpt_train.py --data out/tokens --steps 200 [--device cuda]
"""
import argparse, json, math, os, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def open_tokens(data_dir, val_fraction=0.05):
    manifest = json.load(open(os.path.join(data_dir, 'manifest.json')))
    assert manifest.get('kind') == 'tokens', 'not a corpusforge token folder'
    dtype = np.uint16 if manifest['dtype'] == 'uint16' else np.uint32
    tokens = np.memmap(os.path.join(data_dir, 'tokens.bin'), dtype=dtype, mode='r')  # never loaded whole
    assert len(tokens) == manifest['total_tokens'], 'tokens.bin does not match manifest.json'
    split = int(len(tokens) * (1 - val_fraction))
    eot = np.nonzero(tokens[max(0, split - 1):] == manifest['eot_id'])[0]  # start the validation split at a document
    split = len(tokens) if val_fraction == 0 or len(eot) == 0 else max(0, split - 1) + int(eot[0]) + 1
    return manifest, tokens, split


def get_batch(tokens, lo, hi, batch, context, device, rng):
    starts = rng.integers(lo, hi - context - 1, batch)
    w = torch.from_numpy(np.stack([tokens[s:s + context + 1].astype(np.int64) for s in starts]))
    return w[:, :-1].to(device), w[:, 1:].to(device)


class Block(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads, self.ln1, self.ln2 = heads, nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.qkv, self.proj = nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)
        self.fc, self.out = nn.Linear(dim, 4 * dim), nn.Linear(4 * dim, dim)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = (z.view(b, t, self.heads, d // self.heads).transpose(1, 2) for z in self.qkv(self.ln1(x)).split(d, dim=2))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True) if hasattr(F, 'scaled_dot_product_attention') else \
            ((q @ k.transpose(-2, -1)) / math.sqrt(d // self.heads)).masked_fill(torch.ones(t, t, device=x.device).triu(1).bool(), float('-inf')).softmax(-1) @ v
        x = x + self.proj(y.transpose(1, 2).reshape(b, t, d))
        return x + self.out(F.gelu(self.fc(self.ln2(x)), approximate='tanh'))


class GPT(nn.Module):
    def __init__(self, vocab, context, layers, heads, dim):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(vocab, dim), nn.Embedding(context, dim)
        self.blocks = nn.Sequential(*[Block(dim, heads) for _ in range(layers)])
        self.lnf = nn.LayerNorm(dim)
        for p in self.parameters():  # GPT-2 initialisation: N(0, 0.02) matrices, zero biases
            nn.init.normal_(p, 0, 0.02) if p.dim() >= 2 else None
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.zeros_(m.bias)

    def forward(self, idx):
        x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1], device=idx.device))
        return self.lnf(self.blocks(x)) @ self.wte.weight.T  # tied output embedding


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--steps', type=int, default=200)
    ap.add_argument('--batch', type=int, default=16)
    ap.add_argument('--context', type=int, default=128)
    ap.add_argument('--layers', type=int, default=2)
    ap.add_argument('--heads', type=int, default=2)
    ap.add_argument('--dim', type=int, default=128)
    ap.add_argument('--lr', type=float, default=1e-3)
    ap.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    ap.add_argument('--seed', type=int, default=1)
    a = ap.parse_args()
    manifest, tokens, split = open_tokens(a.data)
    rng = np.random.default_rng(a.seed)
    torch.manual_seed(a.seed)
    model = GPT(manifest['vocab_size'], a.context, a.layers, a.heads, a.dim).to(a.device)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, betas=(0.9, 0.95), weight_decay=0.1)
    for step in range(a.steps):
        t0 = time.time()
        lr = a.lr * min(1.0, (step + 1) / 20) * (0.55 + 0.45 * math.cos(math.pi * step / a.steps))
        for g in opt.param_groups:
            g['lr'] = lr
        x, y = get_batch(tokens, 0, split, a.batch, a.context, a.device, rng)
        loss = F.cross_entropy(model(x).flatten(0, 1), y.flatten())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 20 == 0 or step == a.steps - 1:
            model.eval()
            with torch.no_grad():
                vx, vy = get_batch(tokens, split, len(tokens), a.batch, a.context, a.device, rng) if len(tokens) - split > a.context + 1 else (x, y)
                val = F.cross_entropy(model(vx).flatten(0, 1), vy.flatten()).item()
            model.train()
            print(json.dumps({'step': step + 1, 'loss': round(loss.item(), 4), 'val_loss': round(val, 4), 'lr': lr,
                              'tokens_per_s': round(a.batch * a.context / (time.time() - t0))}))


if __name__ == '__main__':
    main()
