#!/usr/bin/env python3
"""PyTorch peer of `jepa-agent bench model`: the same JEPA world model and CEM planner as
src/model and src/plan, built in PyTorch, timed the same way, one JSON object on stdout.

Run by bench/model.ts with `/usr/bin/python3 bench/model_peer.py` and a JSON spec on stdin:
  {"model": <model config, defaults filled in>, "plan": <plan config>, "batchSize": 32,
   "iterations": 10, "warmup": 3, "threads": 2, "low": [...], "high": [...],
   "paramsTfjs": 222294}
Every key is optional; without a spec (stdin a terminal, or empty) the defaults of
src/core/config/modelConfig.ts and planConfig.ts apply. Exits 2 when the parameter count
differs from paramsTfjs: then the two sides do not build the same model.

What mirrors what (read these files with this one):
- nn.ts: dense (x W + b), layer norm over the last axis (eps 1e-5), MLPs with the
  activation between layers and none after the last; weights N(0, gain^2 / fanIn).
- encoders/imageEncoder.ts (mixer): patch embedding, `mixerDepth` blocks of token mixing
  (across patches) and channel mixing, each pre-norm and residual, mean over tokens,
  layer norm, head.
- encoders/pointEncoder.ts: running-normalised xyz (clip 10), shared per-point MLP with ReLU,
  max over points, layer norm, head.
- encoders/proprioEncoder.ts: running-normalised proprio (clip 10), two ReLU layers, head.
- fusion.ts: mixing weights = presence mask x precision weights (from the running
  per-modality errors), renormalised per frame; fused state = weighted sum.
- predictor.ts (mlp): s + MLP([s, (a - mean) / std]) with ELU.
- worldModel.ts: inverse head MLP([s_t, s_t+1]) -> a (ReLU); proprio head MLP(s) -> proprio.
- trainer.ts: targets from the model's target weights without gradient, context embedding,
  open-loop rollout, precision-weighted prediction error per horizon, VICReg variance and
  covariance per modality, alignment to the stopped fused state, inverse and proprio
  losses, global-norm gradient clip, Adam, EMA target update, fusion error update.
- plan/samplingPlanner.ts + cost.ts (CEM): sample around the mean (sample 0 = the mean),
  clip, roll out, goal + action + bounds cost, top-k elites, refit, clamp std, keep the best.
"""
import json
import math
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

MODALITIES = ('rgb', 'points', 'proprio')


def model_defaults():
    """src/core/config/modelConfig.ts defaults."""
    return {
        'latentDim': 64,
        'modalities': {'rgb': True, 'points': True, 'proprio': True},
        'image': {'encoder': 'mixer', 'size': 64, 'patchSize': 8, 'width': 64, 'mixerDepth': 2,
                  'tokenHidden': 64, 'channelHidden': 128},
        'points': {'count': 512, 'hidden': [32, 64]},
        'proprio': {'dim': 18, 'hidden': 64},
        'actionDim': 4,
        'predictor': {'kind': 'mlp', 'width': 128, 'depth': 2, 'history': 1, 'heads': 4},
        'fusion': {'momentum': 0.99, 'sharpness': 1},
        'loss': {'prediction': 1, 'variance': 1, 'covariance': 0.04, 'alignment': 0.5, 'inverse': 0.1,
                 'proprio': 0.1, 'targetGradient': False},
        'ema': {'enabled': False, 'tau': 0.99},
        'inverseHead': True,
        'proprioHead': True,
        'learningRate': 1e-3,
        'gradClip': 1,
        'horizon': 3,
    }


def plan_defaults():
    """src/core/config/planConfig.ts defaults (the CEM part)."""
    return {
        'planner': 'cem', 'horizon': 8, 'samples': 512, 'iterations': 4, 'elites': 64, 'initStd': 0.5,
        'minStd': 0.05, 'momentum': 0.1, 'warmStartTail': 'repeat',
        'cost': {'distance': 'mse', 'stageWeight': 1, 'terminalWeight': 4, 'actionWeight': 0.01,
                 'boundsWeight': 10},
    }


def merged(defaults, given):
    out = dict(defaults)
    for key, value in (given or {}).items():
        out[key] = merged(defaults[key], value) if isinstance(defaults.get(key), dict) else value
    return out


class Params:
    """Named weights like src/model/paramStore.ts: trainable ones and buffers."""

    def __init__(self, generator):
        self.gen = generator
        self.tensors = {}
        self.trainable = []

    def add(self, name, shape, fan_in=None, gain=1.0, fill=None):
        if fill is not None:
            t = torch.full(shape, float(fill))
        else:
            t = torch.randn(shape, generator=self.gen) * (gain / math.sqrt(max(1, fan_in)))
        t.requires_grad_(True)
        self.tensors[name] = t
        self.trainable.append(name)

    def buffer(self, name, value):
        self.tensors[name] = value

    def __getitem__(self, name):
        return self.tensors[name]

    def count(self):
        return sum(self.tensors[n].numel() for n in self.trainable)


def add_dense(p, name, fan_in, fan_out, gain=math.sqrt(2)):
    # Stored [out, in], as torch.nn.Linear: F.linear computes x W^T + b, the same x W + b.
    p.add(f'{name}.w', (fan_out, fan_in), fan_in=fan_in, gain=gain)
    p.add(f'{name}.b', (fan_out,), fill=0)


def dense(w, name, x, act=None):
    y = F.linear(x, w[f'{name}.w'], w[f'{name}.b'])
    return activate(y, act)


def activate(x, act):
    if act == 'relu':
        return F.relu(x)
    if act == 'elu':
        return F.elu(x)
    return x


def add_layer_norm(p, name, dim):
    p.add(f'{name}.g', (dim,), fill=1)
    p.add(f'{name}.b', (dim,), fill=0)


def layer_norm(w, name, x):
    return F.layer_norm(x, x.shape[-1:], w[f'{name}.g'], w[f'{name}.b'], 1e-5)


def add_mlp(p, name, sizes, last_gain=1.0):
    for i in range(len(sizes) - 1):
        last = i + 2 == len(sizes)
        add_dense(p, f'{name}.{i}', sizes[i], sizes[i + 1], last_gain if last else math.sqrt(2))


def mlp(w, name, layers, x, act):
    for i in range(layers):
        x = dense(w, f'{name}.{i}', x, act if i + 1 < layers else None)
    return x


class Normalizer:
    """src/model/normalizer.ts: running per-component mean and std kept as model buffers."""

    def __init__(self, p, name, dim):
        self.name = name
        p.buffer(f'{name}.mean', torch.zeros(dim))
        p.buffer(f'{name}.std', torch.ones(dim))
        p.buffer(f'{name}.sqmean', torch.ones(dim))
        p.buffer(f'{name}.count', torch.zeros(1))
        self.p = p

    def apply(self, w, x, clip=None):
        y = (x - w[f'{self.name}.mean']) / w[f'{self.name}.std']
        return y if clip is None else torch.clamp(y, -clip, clip)

    @torch.no_grad()
    def update(self, rows):
        """rows [n, dim]; non-finite values skipped per component."""
        finite = torch.isfinite(rows)
        x = torch.where(finite, rows, torch.zeros(()))
        n = finite.sum(0).double()
        if bool((n == 0).all()):
            return
        s = x.double().sum(0)
        sq = (x.double() ** 2).sum(0)
        mean = self.p[f'{self.name}.mean']
        sqmean = self.p[f'{self.name}.sqmean']
        count = float(self.p[f'{self.name}.count'][0])
        rate = max(1 / (count + 1), 1e-3)
        has = n > 0
        safe = torch.clamp(n, min=1)
        mean.add_(torch.where(has, rate * (s / safe - mean.double()), torch.zeros((), dtype=torch.float64)).float())
        sqmean.add_(torch.where(has, rate * (sq / safe - sqmean.double()), torch.zeros((), dtype=torch.float64)).float())
        self.p[f'{self.name}.std'].copy_(torch.sqrt(torch.clamp(sqmean - mean * mean, min=0.01 ** 2)))
        self.p[f'{self.name}.count'].fill_(count + 1)


class WorldModel:
    """src/model/worldModel.ts with the mixer image encoder and the MLP predictor."""

    def __init__(self, cfg, seed=1):
        if cfg['image']['encoder'] != 'mixer' or cfg['predictor']['kind'] != 'mlp':
            raise SystemExit('model_peer: only the mixer image encoder and the mlp predictor are mirrored here')
        if cfg.get('proprioDropout', 0) > 0:
            raise SystemExit('model_peer: proprioDropout > 0 is not mirrored here')
        self.cfg = cfg
        self.p = p = Params(torch.Generator().manual_seed(seed))
        d = cfg['latentDim']
        a = cfg['actionDim']
        on = cfg['modalities']
        self.modalities = [m for m in MODALITIES if on[m]]
        needs_proprio = on['proprio'] or cfg['proprioHead']
        self.proprio_norm = Normalizer(p, 'norm.proprio', cfg['proprio']['dim']) if needs_proprio else None
        if on['rgb']:
            img = cfg['image']
            tokens = (img['size'] // img['patchSize']) ** 2
            c = img['width']
            add_dense(p, 'enc.rgb.embed', img['patchSize'] ** 2 * 3, c, 1)
            for i in range(img['mixerDepth']):
                add_layer_norm(p, f'enc.rgb.b{i}.ln1', c)
                add_mlp(p, f'enc.rgb.b{i}.tok', [tokens, img['tokenHidden'], tokens])
                add_layer_norm(p, f'enc.rgb.b{i}.ln2', c)
                add_mlp(p, f'enc.rgb.b{i}.ch', [c, img['channelHidden'], c])
            add_layer_norm(p, 'enc.rgb.ln', c)
            add_dense(p, 'enc.rgb.head', c, d, 1)
        if on['points']:
            self.points_norm = Normalizer(p, 'norm.points', 3)
            fan_in = 3
            for i, h in enumerate(cfg['points']['hidden']):
                add_dense(p, f'enc.points.mlp{i}', fan_in, h)
                fan_in = h
            add_layer_norm(p, 'enc.points.ln', fan_in)
            add_dense(p, 'enc.points.head', fan_in, d, 1)
        if on['proprio']:
            hidden = cfg['proprio']['hidden']
            add_dense(p, 'enc.proprio.0', cfg['proprio']['dim'], hidden)
            add_dense(p, 'enc.proprio.1', hidden, hidden)
            add_dense(p, 'enc.proprio.head', hidden, d, 1)
        p.buffer('fusion.error', torch.ones(3))
        p.buffer('fusion.count', torch.zeros(3))
        self.action_norm = Normalizer(p, 'norm.action', a)
        pred = cfg['predictor']
        add_mlp(p, 'pred.mlp', [d + a] + [pred['width']] * pred['depth'] + [d], 0.1)
        if cfg['inverseHead']:
            add_mlp(p, 'head.inverse', [2 * d, pred['width'], a])
        if cfg['proprioHead'] and self.proprio_norm is not None:
            add_mlp(p, 'head.proprio', [d, cfg['proprio']['hidden'], cfg['proprio']['dim']])
        self.online = p.tensors
        if cfg['ema']['enabled']:
            for name in [n for n in p.trainable if n.startswith('enc.')]:
                p.buffer(f'target.{name}', p[name].detach().clone())
            self.target = {**p.tensors, **{n: p[f'target.{n}'] for n in p.trainable if n.startswith('enc.')}}
        else:
            self.target = p.tensors

    # -- encoders -------------------------------------------------------------------------
    def rgb_input(self, rgb):
        """[n, size, size, 3] uint8 -> [n, tokens, p*p*3] patches in [0, 1] (imageEncoder.patchify)."""
        img = self.cfg['image']
        n, s, pch = rgb.shape[0], img['size'], img['patchSize']
        g = s // pch
        x = rgb.reshape(n, g, pch, g, pch, 3).permute(0, 1, 3, 2, 4, 5).reshape(n, g * g, pch * pch * 3)
        return x.float() / 255

    def rgb_apply(self, w, x):
        x = dense(w, 'enc.rgb.embed', x)
        for i in range(self.cfg['image']['mixerDepth']):
            t = layer_norm(w, f'enc.rgb.b{i}.ln1', x).transpose(1, 2)
            x = x + mlp(w, f'enc.rgb.b{i}.tok', 2, t, 'relu').transpose(1, 2)
            x = x + mlp(w, f'enc.rgb.b{i}.ch', 2, layer_norm(w, f'enc.rgb.b{i}.ln2', x), 'relu')
        return dense(w, 'enc.rgb.head', layer_norm(w, 'enc.rgb.ln', x.mean(1)))

    def points_apply(self, w, x):
        x = self.points_norm.apply(w, x, 10)
        for i in range(len(self.cfg['points']['hidden'])):
            x = dense(w, f'enc.points.mlp{i}', x, 'relu')
        pooled = x.max(1).values
        return dense(w, 'enc.points.head', layer_norm(w, 'enc.points.ln', pooled))

    def proprio_apply(self, w, x):
        x = self.proprio_norm.apply(w, x, 10)
        x = dense(w, 'enc.proprio.0', x, 'relu')
        x = dense(w, 'enc.proprio.1', x, 'relu')
        return dense(w, 'enc.proprio.head', x)

    # -- fusion ---------------------------------------------------------------------------
    def fusion_weights(self):
        err = self.p['fusion.error']
        idx = [MODALITIES.index(m) for m in self.modalities]
        logits = [-self.cfg['fusion']['sharpness'] * math.log(max(float(err[i]), 1e-6)) for i in idx]
        top = max(logits)
        e = [math.exp(v - top) for v in logits]
        return [v / sum(e) for v in e]

    def embed(self, w, frames, rows):
        """Per-modality embeddings, mask, mixing and fused state of frames `rows` (all present)."""
        n = rows.numel()
        embeddings = []
        for m in self.modalities:
            if m == 'rgb':
                embeddings.append(self.rgb_apply(w, self.rgb_input(frames['rgb'][rows])))
            elif m == 'points':
                embeddings.append(self.points_apply(w, frames['points'][rows]))
            else:
                embeddings.append(self.proprio_apply(w, frames['proprio'][rows]))
        mask = torch.ones(n, len(self.modalities))
        raw = mask * torch.tensor(self.fusion_weights())
        mixing = raw / torch.clamp(raw.sum(1, keepdim=True), min=1e-12)
        state = sum(e * mixing[:, j:j + 1] for j, e in enumerate(embeddings))
        return {'embeddings': embeddings, 'mask': mask, 'mixing': mixing, 'state': state}

    def observe(self, frames, actions):
        if 'points' in self.modalities:
            self.points_norm.update(frames['points'].reshape(-1, 3))
        if self.proprio_norm is not None:
            self.proprio_norm.update(frames['proprio'])
        self.action_norm.update(actions.reshape(-1, self.cfg['actionDim']))

    @torch.no_grad()
    def update_fusion(self, errors):
        err = self.p['fusion.error']
        count = self.p['fusion.count']
        momentum = self.cfg['fusion']['momentum']
        for m, e in errors.items():
            i = MODALITIES.index(m)
            if not math.isfinite(e):
                continue
            rate = max(1 / (float(count[i]) + 1), 1 - momentum)
            err[i] += rate * (max(e, 1e-6) - float(err[i]))
            count[i] += 1

    # -- dynamics -------------------------------------------------------------------------
    def predict(self, w, states, actions):
        """One MLP-predictor step: [B, D], [B, A] (raw units) -> [B, D]."""
        a = self.action_norm.apply(w, actions)
        depth = self.cfg['predictor']['depth']
        return states + mlp(w, 'pred.mlp', depth + 1, torch.cat([states, a], 1), 'elu')


def weighted_centre(x, row_weight):
    n = row_weight.sum()
    mean = (x * row_weight).sum(0, keepdim=True) / torch.clamp(n, min=1)
    return (x - mean) * row_weight, n


def variance_loss(x, row_weight, gamma=1.0, eps=1e-4):
    centred, n = weighted_centre(x, row_weight)
    variance = (centred ** 2).sum(0) / torch.clamp(n - 1, min=1)
    return F.relu(gamma - torch.sqrt(variance + eps)).mean()


def covariance_loss(x, row_weight):
    d = x.shape[1]
    centred, n = weighted_centre(x, row_weight)
    cov = centred.t() @ centred / torch.clamp(n - 1, min=1)
    off = (cov ** 2).sum() - ((cov * torch.eye(d)) ** 2).sum()
    return off / d


def row_squared_error(a, b):
    return ((a - b) ** 2).mean(-1)


def weighted_mean(values, weights):
    return (values * weights).sum() / torch.clamp(weights.sum(), min=1e-12)


class Trainer:
    """src/model/trainer.ts."""

    def __init__(self, model):
        self.model = model
        self.params = [model.p[n] for n in model.p.trainable]
        # tfjs's Adam: beta 0.9 / 0.999, epsilon 1e-7 (the float32 backend epsilon).
        self.opt = torch.optim.Adam(self.params, lr=model.cfg['learningRate'], betas=(0.9, 0.999), eps=1e-7)

    def train_step(self, batch):
        model = self.model
        cfg = model.cfg
        b, h = batch['batchSize'], batch['horizon']
        frames = batch['frames']
        ctx_rows = torch.arange(b) * (h + 1)
        j = torch.arange(h * b)
        tgt_rows = (j % b) * (h + 1) + 1 + torch.div(j, b, rounding_mode='floor')
        model.observe(frames, batch['actions'])
        with torch.no_grad():
            target = model.embed(model.target, frames, tgt_rows)
        actions = batch['actions']
        w = model.online
        lw = cfg['loss']
        stats = []

        ctx = model.embed(w, frames, ctx_rows)
        states = [ctx['state']]
        for k in range(h):
            states.append(model.predict(w, states[-1], actions[:, k]))
        predicted = torch.cat(states[1:], 0)
        row_loss = torch.zeros(h * b)
        for jm, z in enumerate(target['embeddings']):
            err = row_squared_error(predicted, z)
            row_loss = row_loss + err * target['mixing'][:, jm]
            stats.append(weighted_mean(err, target['mask'][:, jm]))
        row_weight = target['mixing'].sum(1)
        per_horizon = [weighted_mean(row_loss[k * b:(k + 1) * b], row_weight[k * b:(k + 1) * b]) for k in range(h)]
        prediction = torch.stack(per_horizon).mean()
        stats.append(prediction)
        stats.extend(per_horizon)

        present = [(e, jm, ctx['mask'][:, jm:jm + 1]) for jm, e in enumerate(ctx['embeddings'])]
        variance = torch.stack([variance_loss(e, m) for e, _, m in present]).mean()
        covariance = torch.stack([covariance_loss(e, m) for e, _, m in present]).mean()
        fused = ctx['state'].detach()
        align_rows = torch.zeros(b)
        for e, jm, _ in present:
            align_rows = align_rows + row_squared_error(e, fused) * ctx['mixing'][:, jm]
        alignment = align_rows.mean()
        stats.extend([variance, covariance, alignment])
        total = (lw['prediction'] * prediction + lw['variance'] * variance + lw['covariance'] * covariance
                 + lw['alignment'] * alignment)
        if cfg['inverseHead']:
            prev = torch.cat([ctx['state'], target['state'][:(h - 1) * b]], 0) if h > 1 else ctx['state']
            act = model.action_norm.apply(w, actions).transpose(0, 1).reshape(h * b, cfg['actionDim'])
            guess = mlp(w, 'head.inverse', 2, torch.cat([prev, target['state']], 1), 'relu')
            inverse = ((guess - act) ** 2).mean()
            stats.append(inverse)
            total = total + lw['inverse'] * inverse
        if cfg['proprioHead'] and model.proprio_norm is not None:
            wanted = model.proprio_norm.apply(w, frames['proprio'][ctx_rows], 10)
            guess = mlp(w, 'head.proprio', 2, ctx['state'], 'relu')
            proprio = weighted_mean(row_squared_error(guess, wanted), torch.ones(b))
            stats.append(proprio)
            total = total + lw['proprio'] * proprio
        stats.append(ctx['state'].detach().std(0, unbiased=False).mean())
        stats.append(total)

        self.opt.zero_grad(set_to_none=True)
        total.backward()
        with torch.no_grad():
            grads = [q.grad for q in self.params]
            norm = torch.sqrt(sum((g * g).sum() for g in grads))
            clip = cfg['gradClip']
            if clip > 0:
                scale = clip / torch.clamp(norm, min=clip)
                for g in grads:
                    g.mul_(scale)
        self.opt.step()
        values = torch.stack([s.detach() for s in stats] + [norm]).tolist()
        if cfg['ema']['enabled']:
            tau = cfg['ema']['tau']
            with torch.no_grad():
                for n in model.p.trainable:
                    if n.startswith('enc.'):
                        model.p[f'target.{n}'].mul_(tau).add_(model.p[n], alpha=1 - tau)
        model.update_fusion({m: values[i] for i, m in enumerate(model.modalities)})
        return values


def cem_plan(model, start, goal, plan, low, high, gen, warm=None):
    """src/plan/samplingPlanner.ts with CEM weights and the goal + action + bounds cost of cost.ts."""
    w = model.online
    H, S, K = plan['horizon'], plan['samples'], plan['elites']
    A = model.cfg['actionDim']
    half = (high - low) / 2
    min_std, max_std = half * plan['minStd'], half * plan['initStd']
    c = plan['cost']
    step_w = torch.full((H, 1), float(c['stageWeight']))
    step_w[H - 1] = c['terminalWeight']
    start_time = time.perf_counter()

    def clip(x):
        return torch.minimum(torch.maximum(x, low), high)

    def rollout_cost(actions):
        n = actions.shape[0]
        state = start.expand(n, -1)
        dists = []
        for t in range(H):
            state = model.predict(w, state, actions[:, t])
            dists.append(((state - goal) ** 2).mean(1))
        cost = (torch.stack(dists) * step_w).sum(0)
        if c['actionWeight'] > 0:
            cost = cost + ((actions / half) ** 2).sum((1, 2)) * (c['actionWeight'] / A)
        if c['boundsWeight'] > 0:
            excess = (F.relu(actions - high) / half) ** 2 + (F.relu(low - actions) / half) ** 2
            cost = cost + excess.sum((1, 2)) * c['boundsWeight']
        return torch.where(torch.isfinite(cost), cost, torch.full_like(cost, 3e38))

    with torch.no_grad():
        if warm is None:
            mean = torch.zeros(H, A)
        else:
            mean = torch.cat([warm[1:], warm[-1:]]) if plan['warmStartTail'] == 'repeat' else torch.cat([warm[1:], torch.zeros(1, A)])
        mean = clip(mean)
        std = max_std.expand(H, A).clone()
        best_cost, best_seq = None, None
        for _ in range(plan['iterations']):
            noise = torch.randn(S, H, A, generator=gen)
            noise[0] = 0
            samples = clip(mean + std * noise)
            costs = rollout_cost(samples)
            top = torch.topk(-costs, K)
            elite_costs = -top.values
            elites = samples[top.indices]
            elite_mean = elites.mean(0)
            elite_var = ((elites - elite_mean) ** 2).mean(0)
            mean = mean * plan['momentum'] + elite_mean * (1 - plan['momentum'])
            std = torch.minimum(torch.maximum(torch.sqrt(elite_var), min_std), max_std)
            if best_cost is None or elite_costs[0] < best_cost:
                best_cost, best_seq = elite_costs[0], elites[0]
        seq = clip(mean)
        cost = rollout_cost(seq.unsqueeze(0))[0]
        if cost < best_cost:
            best_cost, best_seq = cost, seq
        result = best_seq.clone()
        final_cost = float(best_cost)
    return result, final_cost, (time.perf_counter() - start_time) * 1000


def median_ms(f, warmup, iterations):
    for _ in range(warmup):
        f()
    times = []
    for _ in range(iterations):
        t0 = time.perf_counter()
        f()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def synthetic_batch(cfg, b, gen):
    """Seeded random frames of B sequences of H + 1 steps (all modalities present)."""
    h = cfg['horizon']
    n = b * (h + 1)
    s = cfg['image']['size']
    return {
        'batchSize': b,
        'horizon': h,
        'frames': {
            'rgb': torch.randint(0, 256, (n, s, s, 3), generator=gen, dtype=torch.uint8),
            'points': torch.randn(n, cfg['points']['count'], 3, generator=gen),
            'proprio': torch.randn(n, cfg['proprio']['dim'], generator=gen),
        },
        'actions': torch.rand(b, h, cfg['actionDim'], generator=gen) * 2 - 1,
    }


def main():
    raw = sys.stdin.read() if not sys.stdin.isatty() else ''
    spec = json.loads(raw) if raw.strip() else {}
    threads = int(spec.get('threads', 2))
    torch.set_num_threads(threads)
    cfg = merged(model_defaults(), spec.get('model'))
    plan = merged(plan_defaults(), spec.get('plan'))
    if plan['planner'] != 'cem':
        plan['planner'] = 'cem'
    b = int(spec.get('batchSize', 32))
    iterations = int(spec.get('iterations', 10))
    warmup = int(spec.get('warmup', 3))
    a = cfg['actionDim']
    low = torch.tensor(spec.get('low', [-1.0] * a), dtype=torch.float32)
    high = torch.tensor(spec.get('high', [1.0] * a), dtype=torch.float32)
    gen = torch.Generator().manual_seed(int(spec.get('seed', 0)))

    model = WorldModel(cfg)
    params = model.p.count()
    expected = spec.get('paramsTfjs')
    if expected is not None and int(expected) != params:
        sys.stderr.write(f'model_peer: the PyTorch model has {params} trainable parameters, the tfjs model {expected}: '
                         'they do not build the same model\n')
        print(json.dumps({'params_torch': params, 'params_tfjs': expected, 'error': 'parameter counts differ'}))
        sys.exit(2)

    trainer = Trainer(model)
    batch = synthetic_batch(cfg, b, gen)
    train_ms = median_ms(lambda: trainer.train_step(batch), warmup, iterations)

    d = cfg['latentDim']
    state = {'warm': None}

    def plan_once():
        start = torch.randn(1, d, generator=gen)
        goal = torch.randn(1, d, generator=gen)
        actions, _, _ = cem_plan(model, start, goal, plan, low, high, gen, state['warm'])
        state['warm'] = actions

    plan_ms = median_ms(plan_once, warmup, iterations)

    # One observation as raw arrays, as WorldModel.encodeObservation gets it: HxWx3 bytes, an
    # Nx3 cloud, joint positions and velocities, end-effector position and gripper.
    obs = synthetic_batch({**cfg, 'horizon': 0}, 1, gen)['frames']
    image = obs['rgb'][0].numpy()
    cloud = obs['points'][0].numpy()
    joints = (cfg['proprio']['dim'] - 4) // 2
    arm = torch.randn(2 * joints + 3, generator=gen).numpy()

    def encode_once():
        with torch.no_grad():
            frames = {
                'rgb': torch.from_numpy(image).unsqueeze(0),
                'points': torch.from_numpy(cloud).unsqueeze(0),
                'proprio': torch.cat([torch.from_numpy(arm), torch.ones(1)]).unsqueeze(0),
            }
            return model.embed(model.online, frames, torch.arange(1))['state'][0].numpy().copy()

    encode_ms = median_ms(encode_once, warmup, iterations)
    print(json.dumps({
        'train_step_ms': round(train_ms, 1),
        'plan_ms': round(plan_ms, 1),
        'encode_ms': round(encode_ms, 2),
        'params_torch': params,
        'torch_version': torch.__version__,
        'torch_threads': torch.get_num_threads(),
        'torch_blas': blas_info(),
    }))


def blas_info():
    """The BLAS library this process loaded: Debian's torch calls whatever libblas.so.3 the
    loader finds (the reference BLAS unless OpenBLAS is installed, ~10x slower matMuls)."""
    torch.ones(2, 2) @ torch.ones(2, 2)
    try:
        with open('/proc/self/maps') as maps:
            for line in maps:
                path = line.split()[-1]
                if 'blas' in os.path.basename(path):
                    return path
    except OSError:
        pass
    return 'unknown'


if __name__ == '__main__':
    main()
