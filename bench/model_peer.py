#!/usr/bin/env python3
"""PyTorch peer of `jepa-agent bench model`: the same JEPA world model and CEM planner as
src/model and src/plan, built in PyTorch, timed the same way, one JSON object on stdout.

Run by bench/model.ts under a PyTorch 2.x from pip (a venv: see `bench model --python`) with a
JSON spec on stdin:
  {"model": <model config, defaults filled in>, "plan": <plan config>, "batchSize": 32,
   "iterations": 10, "warmup": 3, "threads": 1, "low": [...], "high": [...],
   "paramsTfjs": 448000}
Every key is optional; without a spec (stdin a terminal, or empty) the defaults of
src/core/config/modelConfig.ts and planConfig.ts apply. Exits 2 when the parameter count
differs from paramsTfjs: then the two sides do not build the same model.

What mirrors what (read these files with this one):
- nn.ts: dense (x W + b), layer norm over the last axis (eps 1e-5), MLPs with the
  activation between layers and none after the last; weights N(0, gain^2 / fanIn).
- encoders/imageEncoder.ts (mixer): patch embedding, `mixerDepth` blocks of token mixing
  (across patches) and channel mixing, each pre-norm and residual; the mean over tokens beside
  each channel's spatial soft-argmax keypoint (image.keypoints), layer norm, head.
- encoders/pointEncoder.ts: running-normalised xyz (clip 10), shared per-point MLP with ReLU,
  max over points, layer norm, head; the object view (modalities.object) is the same design
  with its own weights (`enc.objectView`, `norm.objectView`); with objectView.place the view's
  middle, normalised (`norm.objectView.place`), joins the pooled features before the head.
- encoders/proprioEncoder.ts: running-normalised proprio (clip 10), two ReLU layers, head.
- fusion.ts, kind 'gated' (the default): one part per modality; part m = g e_m + (1 - g) est_m,
  est_m from the other modalities' (masked) embeddings and presence flags by an ELU MLP;
  g = the modality's gate from three running errors (three-cornered hat), 0 where absent.
  'precision' (one averaged vector) is kept for `--set model.fusion.kind=precision`.
- predictor.ts (mlp): s + MLP([s, (a - mean) / std]) with ELU, over the fused state; with predictor.objectRelation
  the hand-object relation joins the input: the object head minus the decoded end effector, object-normalised,
  without gradient.
- worldModel.ts: inverse head MLP([s_t, s_t+1]) -> a (ReLU); proprio head MLP(s) -> proprio,
  reading the proprioception's part alone with proprioHeadReads 'proprioPart';
  object head MLP(s) -> object place (ReLU), reading the object view's part alone with
  objectHeadReads 'objectPart'.
- augment.ts: colour jitter per frame (one affine colour map), a shift per sequence with edge
  pixels repeated; object views turned about z, one angle per sequence.
- trainer.ts: proprio dropout on the first sequences, targets from the model's target weights
  without gradient, context embedding, open-loop rollout, per-part prediction error against
  each modality's target embedding, VICReg variance and covariance per modality, the gated
  fusion's estimator term, inverse, proprio and object-head losses, the fusion's reliability
  statistics, global-norm gradient clip, Adam, EMA target update, fusion statistics update.
- plan/samplingPlanner.ts + cost.ts (CEM): sample around the mean (sample 0 = the mean),
  clip, roll out, goal + action + smoothness + bounds cost, top-k elites, refit, clamp std,
  return the final mean (select 'mean') or the best sequence seen ('best').
"""
import json
import math
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

MODALITIES = ('rgb', 'points', 'proprio', 'object')


def model_defaults():
    """src/core/config/modelConfig.ts defaults (the keys this file reads)."""
    return {
        'latentDim': 64,
        'modalities': {'rgb': True, 'points': True, 'proprio': True, 'object': True},
        'image': {'encoder': 'mixer', 'size': 64, 'patchSize': 8, 'width': 64, 'mixerDepth': 2,
                  'tokenHidden': 64, 'channelHidden': 128, 'keypoints': True},
        'points': {'count': 512, 'hidden': [64, 128]},
        'objectView': {'count': 64, 'hidden': [64, 128], 'place': True, 'motion': False},
        'proprio': {'dim': 18, 'hidden': 64},
        'actionDim': 4,
        'predictor': {'kind': 'mlp', 'width': 128, 'depth': 2, 'history': 1, 'heads': 4, 'actionConditioned': True,
                      'objectRelation': False},
        'fusion': {'kind': 'gated', 'imputeHidden': 128, 'momentum': 0.99, 'sharpness': 1},
        'loss': {'prediction': 1, 'variance': 1, 'covariance': 0.04, 'alignment': 0.5, 'inverse': 0.1,
                 'proprio': 0.1, 'object': 0.1, 'targetGradient': False},
        'ema': {'enabled': False, 'tau': 0.99},
        'proprioDropout': 0.25,
        'augment': {'brightness': 0.3, 'contrast': 0.3, 'color': 0.15, 'hue': 0.5, 'saturation': 0.4, 'shift': 2,
                    'objectYaw': math.pi, 'objectTurn': 'sequence', 'targets': True},
        'inverseHead': True,
        'proprioHead': True,
        'objectHead': True,
        'objectHeadReads': 'objectPart',
        'proprioHeadReads': 'state',
        'learningRate': 1e-3,
        'gradClip': 1,
        'horizon': 3,
    }


def plan_defaults():
    """src/core/config/planConfig.ts defaults (the CEM part)."""
    return {
        'planner': 'cem', 'horizon': 8, 'samples': 512, 'iterations': 4, 'elites': 64, 'initStd': 0.5,
        'minStd': 0.05, 'momentum': 0.1, 'warmStartTail': 'repeat', 'actionRepeat': 1, 'select': 'mean',
        'cost': {'distance': 'mse', 'latentWeight': 1, 'stageWeight': 1, 'terminalWeight': 4, 'actionWeight': 0.01,
                 'smoothWeight': 1, 'boundsWeight': 10},
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
    return activate(F.linear(x, w[f'{name}.w'], w[f'{name}.b']), act)


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


def gate(own_vs_predicted, own_vs_estimate, predicted_vs_estimate):
    """fusion.ts gate(): precision weight of the observation against the estimate."""
    own = max((own_vs_predicted + own_vs_estimate - predicted_vs_estimate) / 2, 1e-6)
    est = max((own_vs_estimate + predicted_vs_estimate - own_vs_predicted) / 2, 1e-6)
    return est / (own + est)


def grid_coordinates(grid):
    """[tokens, 2] x and y of each token's centre, row-major over the grid, in [-1, 1]."""
    ys, xs = torch.meshgrid(torch.arange(grid), torch.arange(grid), indexing='ij')
    scale = (lambda v: v * 0) if grid == 1 else (lambda v: 2 * v / (grid - 1) - 1)
    return torch.stack([scale(xs.reshape(-1).float()), scale(ys.reshape(-1).float())], 1)


class WorldModel:
    """src/model/worldModel.ts with the mixer image encoder and the MLP predictor."""

    def __init__(self, cfg, seed=1):
        if cfg['image']['encoder'] != 'mixer' or cfg['predictor']['kind'] != 'mlp':
            raise SystemExit('model_peer: only the mixer image encoder and the mlp predictor are mirrored here')
        if cfg['loss'].get('objectPrediction', 'l2') != 'l2' or cfg['loss'].get('objectPredicted', 0) > 0:
            raise SystemExit('model_peer: loss.objectPrediction l1 and loss.objectPredicted are not mirrored here')
        self.cfg = cfg
        self.p = p = Params(torch.Generator().manual_seed(seed))
        d = cfg['latentDim']
        a = cfg['actionDim']
        on = cfg['modalities']
        self.kind = cfg['fusion']['kind']
        if self.kind == 'concat':
            raise SystemExit("model_peer: fusion kind 'concat' is not mirrored here")
        self.modalities = [m for m in MODALITIES if on.get(m, False)]
        needs_proprio = on['proprio'] or cfg['proprioHead']
        # Creation order as worldModel.ts (names differ from nothing but order keeps the seed's draws alike).
        self.proprio_norm = Normalizer(p, 'norm.proprio', cfg['proprio']['dim']) if needs_proprio else None
        self.norms = {}
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
            features = 3 * c if img['keypoints'] else c
            add_layer_norm(p, 'enc.rgb.ln', features)
            add_dense(p, 'enc.rgb.head', features, d, 1)
            self.coords = grid_coordinates(img['size'] // img['patchSize']) if img['keypoints'] else None
        if on['points']:
            self.add_point_encoder('points', cfg['points']['hidden'])
        if on['proprio']:
            hidden = cfg['proprio']['hidden']
            add_dense(p, 'enc.proprio.0', cfg['proprio']['dim'], hidden)
            add_dense(p, 'enc.proprio.1', hidden, hidden)
            add_dense(p, 'enc.proprio.head', hidden, d, 1)
        if on.get('object', False):
            self.add_point_encoder('objectView', cfg['objectView']['hidden'])
        p.buffer('fusion.error', torch.ones(len(MODALITIES)))
        p.buffer('fusion.count', torch.zeros(len(MODALITIES)))
        if self.kind == 'gated':
            p.buffer('fusion.estimateError', torch.ones(len(MODALITIES)))
            p.buffer('fusion.crossError', torch.ones(len(MODALITIES)))
            others = len(self.modalities) - 1
            if others > 0:
                for m in self.modalities:
                    add_mlp(p, f'fusion.impute.{m}', [others * (d + 1), cfg['fusion']['imputeHidden'], d])
        self.state_dim = d * len(self.modalities) if self.kind == 'gated' else d
        s = self.state_dim
        self.action_norm = Normalizer(p, 'norm.action', a)
        pred = cfg['predictor']
        # worldModel.ts: the predictor reads the hand-object relation where the model has both heads.
        self.relation = bool(pred.get('objectRelation', False) and cfg['objectHead'] and cfg['proprioHead']
                             and self.proprio_norm is not None)
        add_mlp(p, 'pred.mlp', [s + a + (3 if self.relation else 0)] + [pred['width']] * pred['depth'] + [s], 0.1)
        if cfg['inverseHead']:
            add_mlp(p, 'head.inverse', [2 * s, pred['width'], a])
        # worldModel.ts: the proprio head reads the proprioception's part alone (proprioHeadReads) in a gated or concat fusion.
        self.proprio_part = None
        if cfg.get('proprioHeadReads', 'state') == 'proprioPart' and 'proprio' in self.modalities and self.kind != 'precision':
            self.proprio_part = (self.modalities.index('proprio') * d, d)
        if cfg['proprioHead'] and self.proprio_norm is not None:
            add_mlp(p, 'head.proprio', [d if self.proprio_part else s, cfg['proprio']['hidden'], cfg['proprio']['dim']])
        self.object_norm = Normalizer(p, 'norm.object', 3) if cfg['objectHead'] else None
        # worldModel.ts: the head reads the object view's part alone (objectHeadReads) when it holds the place.
        self.object_part = None
        if (cfg['objectHeadReads'] == 'objectPart' and 'object' in self.modalities and cfg['objectView']['place']
                and self.kind != 'precision'):
            self.object_part = (self.modalities.index('object') * d, d)
        if self.object_norm is not None:
            add_mlp(p, 'head.object', [d if self.object_part else s, cfg['proprio']['hidden'], 3])
        self.online = p.tensors
        if cfg['ema']['enabled']:
            for name in [n for n in p.trainable if n.startswith('enc.')]:
                p.buffer(f'target.{name}', p[name].detach().clone())
            self.target = {**p.tensors, **{n: p[f'target.{n}'] for n in p.trainable if n.startswith('enc.')}}
        else:
            self.target = p.tensors

    def add_point_encoder(self, name, hidden):
        self.norms[name] = Normalizer(self.p, f'norm.{name}', 3)
        fan_in = 3
        for i, h in enumerate(hidden):
            add_dense(self.p, f'enc.{name}.mlp{i}', fan_in, h)
            fan_in = h
        add_layer_norm(self.p, f'enc.{name}.ln', fan_in)
        # pointEncoder.ts: the object view's middle joins the pooled features (objectView.place).
        if name == 'objectView' and self.cfg['objectView']['place']:
            self.norms['objectView.place'] = Normalizer(self.p, 'norm.objectView.place', 3)
            fan_in += 3
            # objectView.motion: how far that middle moved since the tick before joins it too.
            if self.cfg['objectView'].get('motion', False):
                self.norms['objectView.motion'] = Normalizer(self.p, 'norm.objectView.motion', 3)
                fan_in += 3
        add_dense(self.p, f'enc.{name}.head', fan_in, self.cfg['latentDim'], 1)

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
        pooled = x.mean(1)
        if self.coords is not None:
            n, _, c = x.shape
            attention = torch.softmax(x.transpose(1, 2), -1)  # [n, C, T]
            expected = attention @ self.coords  # [n, C, 2]
            pooled = torch.cat([pooled, expected.transpose(1, 2).reshape(n, 2 * c)], 1)
        return dense(w, 'enc.rgb.head', layer_norm(w, 'enc.rgb.ln', pooled))

    def point_apply(self, name, w, x, place=None, motion=None):
        x = self.norms[name].apply(w, x, 10)
        hidden = self.cfg['points' if name == 'points' else 'objectView']['hidden']
        for i in range(len(hidden)):
            x = dense(w, f'enc.{name}.mlp{i}', x, 'relu')
        pooled = layer_norm(w, f'enc.{name}.ln', x.max(1).values)
        if place is not None:
            pooled = torch.cat([pooled, self.norms[f'{name}.place'].apply(w, place, 10)], 1)
        if motion is not None:
            pooled = torch.cat([pooled, self.norms[f'{name}.motion'].apply(w, motion, 10)], 1)
        return dense(w, f'enc.{name}.head', pooled)

    def object_head_input(self, states):
        return read_part(states, self.object_part)

    def proprio_head_input(self, states):
        return read_part(states, self.proprio_part)

    def proprio_apply(self, w, x):
        x = self.proprio_norm.apply(w, x, 10)
        x = dense(w, 'enc.proprio.0', x, 'relu')
        x = dense(w, 'enc.proprio.1', x, 'relu')
        return dense(w, 'enc.proprio.head', x)

    def encode(self, w, m, frames, rows):
        """Embedding of modality m over frames `rows`; absent rows hold zero inputs, as frames.gatherRows gives."""
        present = frames['present'][m][rows].float()
        if m == 'rgb':
            return self.rgb_apply(w, self.rgb_input(frames['rgb'][rows]) * present[:, None, None])
        if m == 'points':
            return self.point_apply('points', w, frames['points'][rows] * present[:, None, None])
        if m == 'object':
            place = None
            motion = None
            if 'objectView.place' in self.norms:
                where = frames['objectPlace'][rows]
                place = torch.where(torch.isfinite(where), where, torch.zeros(())) * present[:, None]
            if 'objectView.motion' in self.norms:
                # frames.ts objectMotion: 0 where a frame has none.
                motion = frames['objectMotion'][rows] if 'objectMotion' in frames else torch.zeros(len(rows), 3)
            return self.point_apply('objectView', w, frames['object'][rows] * present[:, None, None], place, motion)
        return self.proprio_apply(w, frames['proprio'][rows] * present[:, None])

    # -- fusion ---------------------------------------------------------------------------
    def fusion_weights(self):
        idx = [MODALITIES.index(m) for m in self.modalities]
        if self.kind == 'gated':
            own, est, cross, count = (self.p[n] for n in ('fusion.error', 'fusion.estimateError', 'fusion.crossError', 'fusion.count'))
            return [1.0 if len(idx) < 2 or float(count[i]) == 0 else gate(float(own[i]), float(est[i]), float(cross[i])) for i in idx]
        err = self.p['fusion.error']
        logits = [-self.cfg['fusion']['sharpness'] * math.log(max(float(err[i]), 1e-6)) for i in idx]
        top = max(logits)
        e = [math.exp(v - top) for v in logits]
        return [v / sum(e) for v in e]

    def estimates(self, w, embeddings, mask):
        if self.kind != 'gated' or len(self.modalities) < 2:
            return [None] * len(self.modalities)
        inputs = [(e * mask[:, j:j + 1], mask[:, j:j + 1]) for j, e in enumerate(embeddings)]
        out = []
        for j, m in enumerate(self.modalities):
            others = [t for k, pair in enumerate(inputs) if k != j for t in pair]
            out.append(mlp(w, f'fusion.impute.{m}', 2, torch.cat(others, 1), 'elu'))
        return out

    def embed(self, w, frames, rows):
        """Per-modality embeddings, mask, mixing, estimates and fused state of frames `rows`."""
        embeddings = [self.encode(w, m, frames, rows) for m in self.modalities]
        mask = torch.stack([frames['present'][m][rows].float() for m in self.modalities], 1)
        raw = mask * torch.tensor(self.fusion_weights())
        if self.kind == 'precision':
            mixing = raw / torch.clamp(raw.sum(1, keepdim=True), min=1e-12)
            state = sum(e * mixing[:, j:j + 1] for j, e in enumerate(embeddings))
            return {'embeddings': embeddings, 'mask': mask, 'mixing': mixing, 'state': state, 'estimates': [None] * len(embeddings)}
        mixing = raw
        est = self.estimates(w, embeddings, mask)
        parts = []
        for j, e in enumerate(embeddings):
            g = mixing[:, j:j + 1]
            own = e * torch.clamp(g, max=1)
            parts.append(own if est[j] is None else own + est[j] * (1 - g))
        return {'embeddings': embeddings, 'mask': mask, 'mixing': mixing, 'state': torch.cat(parts, 1), 'estimates': est}

    def observe(self, frames, actions):
        on = self.modalities
        present = frames['present']
        if 'points' in on:
            self.norms['points'].update(frames['points'][present['points'].bool()].reshape(-1, 3))
        if 'object' in on:
            self.norms['objectView'].update(frames['object'][present['object'].bool()].reshape(-1, 3))
            if 'objectView.place' in self.norms and 'objectPlace' in frames:
                self.norms['objectView.place'].update(frames['objectPlace'][present['object'].bool()])
            if 'objectView.motion' in self.norms and 'objectMotion' in frames:
                self.norms['objectView.motion'].update(frames['objectMotion'][present['object'].bool()])
        if self.proprio_norm is not None:
            self.proprio_norm.update(frames['proprio'][present['proprio'].bool()])
        if self.object_norm is not None and 'objectPlace' in frames:
            self.object_norm.update(frames['objectPlace'])
        self.action_norm.update(actions.reshape(-1, self.cfg['actionDim']))

    @torch.no_grad()
    def update_fusion(self, series):
        """series: buffer name -> {modality: error}; 'fusion.error' also counts."""
        count = self.p['fusion.count']
        momentum = self.cfg['fusion']['momentum']
        for name, errors in series.items():
            buf = self.p[name]
            for m, e in errors.items():
                i = MODALITIES.index(m)
                if not math.isfinite(e):
                    continue
                rate = max(1 / (float(count[i]) + 1), 1 - momentum)
                buf[i] += rate * (max(e, 1e-6) - float(buf[i]))
        for m, e in series['fusion.error'].items():
            if math.isfinite(e):
                count[MODALITIES.index(m)] += 1

    # -- dynamics -------------------------------------------------------------------------
    def predict(self, w, states, actions):
        """One MLP-predictor step: [B, S], [B, A] (raw units) -> [B, S]."""
        a = self.action_norm.apply(w, actions)
        if not self.cfg['predictor']['actionConditioned']:
            a = torch.zeros_like(a)
        depth = self.cfg['predictor']['depth']
        inputs = [states, a, self.object_relation(w, states)] if self.relation else [states, a]
        return states + mlp(w, 'pred.mlp', depth + 1, torch.cat(inputs, 1), 'elu')

    def object_relation(self, w, states):
        """worldModel.ts objectRelation: object head minus the decoded end effector, object-normalised, no gradient."""
        with torch.no_grad():
            slots = (self.cfg['proprio']['dim'] - 4) // 2
            decoded = mlp(w, 'head.proprio', 2, self.proprio_head_input(states), 'relu') * w['norm.proprio.std'] + w['norm.proprio.mean']
            hand = decoded[:, 2 * slots:2 * slots + 3]
            return mlp(w, 'head.object', 2, self.object_head_input(states), 'relu') - self.object_norm.apply(w, hand)


def read_part(states, part):
    """worldModel.ts readPart: columns [start, start + size) of the states, or all of them when no part is given."""
    if part is None:
        return states
    start, size = part
    return states[:, start:start + size]


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


def augment_images(rgb, b, f, aug, gen):
    """augment.ts augmentImages: per frame one affine colour map (contrast about the frame's mean grey,
    hue rotation about the grey axis, saturation, brightness times a gain per channel), per sequence a
    shift with edge pixels repeated. rgb [b*f, s, s, 3] uint8 -> the same, new."""
    n, s = rgb.shape[0], rgb.shape[1]
    u = lambda amp, *shape: (torch.rand(*shape, generator=gen) * 2 - 1) * amp
    contrast = 1 + u(aug['contrast'], n)
    angle = 2 * math.pi * u(aug['hue'], n)
    saturation = 1 + u(aug['saturation'], n)
    brightness = 1 + u(aug['brightness'], n)
    gains = brightness[:, None] * (1 + u(aug['color'], n, 3))
    cos, sin = torch.cos(angle), torch.sin(angle) / math.sqrt(3)
    third = (1 - cos) / 3
    rotation = torch.stack([cos + third, third - sin, third + sin, third + sin, cos + third, third - sin,
                            third - sin, third + sin, cos + third], 1).reshape(n, 3, 3)
    a = gains[:, :, None] * contrast[:, None, None] * (saturation[:, None, None] * rotation + ((1 - saturation) / 3)[:, None, None])
    x = rgb.float()
    mean = x.mean((1, 2, 3))
    bias = gains * ((1 - contrast) * mean)[:, None]
    # The shift: one (dx, dy) per sequence, source pixels clamped to the frame.
    shift = aug['shift']
    d = torch.randint(-shift, shift + 1, (b, 2), generator=gen).repeat_interleave(f, 0) if shift > 0 else torch.zeros(n, 2, dtype=torch.long)
    idx = torch.arange(s)
    sx = torch.clamp(idx[None, :] - d[:, 0:1], 0, s - 1)
    sy = torch.clamp(idx[None, :] - d[:, 1:2], 0, s - 1)
    frame = torch.arange(n)[:, None, None]
    shifted = x[frame, sy[:, :, None], sx[:, None, :]]  # [n, s, s, 3]
    out = torch.einsum('nyxk,nck->nyxc', shifted, a) + bias[:, None, None, :]
    return torch.clamp(torch.round(out), 0, 255).to(torch.uint8)


def rotate_object_views(obj, f, max_yaw, gen, per_turn):
    """augment.ts rotateObjectViews: each view [n, N, 3] turned about z, one angle per `per_turn` frames."""
    n = obj.shape[0]
    angle = ((torch.rand(n // per_turn, generator=gen) * 2 - 1) * max_yaw).repeat_interleave(per_turn)
    c, s = torch.cos(angle)[:, None], torch.sin(angle)[:, None]
    x, y, z = obj[..., 0], obj[..., 1], obj[..., 2]
    return torch.stack([c * x - s * y, s * x + c * y, z], -1)


class Trainer:
    """src/model/trainer.ts."""

    def __init__(self, model, gen):
        self.model = model
        self.gen = gen
        self.params = [model.p[n] for n in model.p.trainable]
        # tfjs's Adam: beta 0.9 / 0.999, epsilon 1e-7 (the float32 backend epsilon).
        self.opt = torch.optim.Adam(self.params, lr=model.cfg['learningRate'], betas=(0.9, 0.999), eps=1e-7)

    def augment(self, frames, b, h):
        cfg = self.model.cfg
        aug = cfg['augment']
        out = dict(frames)
        if 'rgb' in frames and any(aug[k] > 0 for k in ('brightness', 'contrast', 'color', 'hue', 'saturation', 'shift')):
            out['rgb'] = augment_images(frames['rgb'], b, h + 1, aug, self.gen)
        if 'object' in frames and aug['objectYaw'] > 0:
            out['object'] = rotate_object_views(frames['object'], h + 1, aug['objectYaw'], self.gen,
                                                h + 1 if aug['objectTurn'] == 'sequence' else 1)
        return out

    def train_step(self, batch):
        model = self.model
        cfg = model.cfg
        b, h = batch['batchSize'], batch['horizon']
        clean = batch['frames']
        sensed = self.augment(clean, b, h)
        dropped = round(cfg['proprioDropout'] * b) * (h + 1)
        frames = dict(sensed)
        if dropped > 0 and 'proprio' in model.modalities:
            present = dict(sensed['present'])
            present['proprio'] = present['proprio'].clone()
            present['proprio'][:dropped] = 0
            frames['present'] = present
        target_frames = frames if cfg['augment']['targets'] else {**frames, 'rgb': clean['rgb']}
        if cfg['augment']['objectTurn'] != 'sequence' and 'object' in clean:
            target_frames = {**target_frames, 'object': clean['object']}
        ctx_rows = torch.arange(b) * (h + 1)
        j = torch.arange(h * b)
        tgt_rows = (j % b) * (h + 1) + 1 + torch.div(j, b, rounding_mode='floor')
        model.observe(sensed, batch['actions'])
        with torch.no_grad():
            target = model.embed(model.target, target_frames, tgt_rows)
        actions = batch['actions']
        w = model.online
        lw = cfg['loss']
        mods = model.modalities
        d = cfg['latentDim']
        stats = {}

        ctx = model.embed(w, frames, ctx_rows)
        states = [ctx['state']]
        for k in range(h):
            states.append(model.predict(w, states[-1], actions[:, k]))
        predicted = torch.cat(states[1:], 0)
        row_loss = torch.zeros(h * b)
        row_weight = torch.zeros(h * b)
        parts = []
        for jm, z in enumerate(target['embeddings']):
            present = target['mask'][:, jm]
            part = predicted[:, jm * d:(jm + 1) * d] if model.kind == 'gated' else predicted
            parts.append(part)
            err = row_squared_error(part, z)
            if model.kind == 'gated':
                row_loss = row_loss + err * present
                row_weight = row_weight + present
            else:
                row_loss = row_loss + err * target['mixing'][:, jm]
            stats[f'error.{mods[jm]}'] = weighted_mean(err, present)
        if model.kind != 'gated':
            row_weight = target['mixing'].sum(1)
        per_horizon = [weighted_mean(row_loss[k * b:(k + 1) * b], row_weight[k * b:(k + 1) * b]) for k in range(h)]
        prediction = torch.stack(per_horizon).mean()

        present = [(e, jm, ctx['mask'][:, jm:jm + 1]) for jm, e in enumerate(ctx['embeddings'])]
        variance = torch.stack([variance_loss(e, m) for e, _, m in present]).mean()
        covariance = torch.stack([covariance_loss(e, m) for e, _, m in present]).mean()
        mask = ctx['mask']
        others = lambda msk, jm: torch.clamp(msk.sum(1) - msk[:, jm], max=1)
        if model.kind == 'gated':
            terms = [weighted_mean(row_squared_error(ctx['estimates'][jm], e.detach()), mask[:, jm] * others(mask, jm))
                     for e, jm, _ in present if ctx['estimates'][jm] is not None]
            alignment = torch.stack(terms).mean() if terms else torch.zeros(())
        else:
            fused = ctx['state'].detach()
            align_rows = torch.zeros(b)
            for e, jm, _ in present:
                align_rows = align_rows + row_squared_error(e, fused) * ctx['mixing'][:, jm]
            alignment = align_rows.mean()
        total = (lw['prediction'] * prediction + lw['variance'] * variance + lw['covariance'] * covariance
                 + lw['alignment'] * alignment)
        if cfg['inverseHead']:
            prev = torch.cat([ctx['state'], target['state'][:(h - 1) * b]], 0) if h > 1 else ctx['state']
            act = model.action_norm.apply(w, actions).transpose(0, 1).reshape(h * b, cfg['actionDim'])
            guess = mlp(w, 'head.inverse', 2, torch.cat([prev, target['state']], 1), 'relu')
            total = total + lw['inverse'] * ((guess - act) ** 2).mean()
        if cfg['proprioHead'] and model.proprio_norm is not None:
            wanted = model.proprio_norm.apply(w, sensed['proprio'][ctx_rows], 10)
            guess = mlp(w, 'head.proprio', 2, model.proprio_head_input(ctx['state']), 'relu')
            proprio = weighted_mean(row_squared_error(guess, wanted), sensed['present']['proprio'][ctx_rows].float())
            total = total + lw['proprio'] * proprio
        if model.object_norm is not None and 'objectPlace' in sensed:
            place = sensed['objectPlace'][ctx_rows]
            seen = torch.isfinite(place).all(1)
            wanted = model.object_norm.apply(w, torch.where(seen[:, None], place, torch.zeros(())), 10)
            guess = mlp(w, 'head.object', 2, model.object_head_input(ctx['state']), 'relu')
            total = total + lw['object'] * weighted_mean(row_squared_error(guess, wanted), seen.float())
        estimate, crossing = {}, {}
        if model.kind == 'gated' and len(mods) > 1:
            with torch.no_grad():
                for jm, z in enumerate(target['embeddings']):
                    est = target['estimates'][jm]
                    rows = target['mask'][:, jm] * others(target['mask'], jm)
                    estimate[mods[jm]] = weighted_mean(row_squared_error(est, z), rows)
                    crossing[mods[jm]] = weighted_mean(row_squared_error(parts[jm], est), rows)

        self.opt.zero_grad(set_to_none=True)
        total.backward()
        with torch.no_grad():
            grads = [q.grad for q in self.params if q.grad is not None]
            norm = torch.sqrt(sum((g * g).sum() for g in grads))
            clip = cfg['gradClip']
            if clip > 0:
                scale = clip / torch.clamp(norm, min=clip)
                for g in grads:
                    g.mul_(scale)
        self.opt.step()
        # One read-back of every statistic, as the tfjs trainer packs them.
        names = list(stats) + [f'estimate.{m}' for m in estimate] + [f'crossing.{m}' for m in crossing]
        values = torch.stack([stats[n].detach() for n in stats] + list(estimate.values()) + list(crossing.values())
                             + [total.detach(), norm, ctx['state'].detach().std(0, unbiased=False).mean()]).tolist()
        read = dict(zip(names, values))
        if cfg['ema']['enabled']:
            tau = cfg['ema']['tau']
            with torch.no_grad():
                for n in model.p.trainable:
                    if n.startswith('enc.'):
                        model.p[f'target.{n}'].mul_(tau).add_(model.p[n], alpha=1 - tau)
        series = {'fusion.error': {m: read[f'error.{m}'] for m in mods}}
        if model.kind == 'gated':
            series['fusion.estimateError'] = {m: read[f'estimate.{m}'] for m in estimate}
            series['fusion.crossError'] = {m: read[f'crossing.{m}'] for m in crossing}
        model.update_fusion(series)
        return values


def cem_plan(model, start, goal, plan, low, high, gen, warm=None):
    """src/plan/samplingPlanner.ts with CEM weights and the goal + action + smoothness + bounds cost of cost.ts (no previous action: the bench passes none)."""
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

    repeat = plan.get('actionRepeat', 1)

    def rollout_cost(actions):
        n = actions.shape[0]
        state = start.expand(n, -1)
        dists = []
        for t in range(H):
            for _ in range(repeat):
                state = model.predict(w, state, actions[:, t])
            dists.append(((state - goal) ** 2).mean(1))
        cost = (torch.stack(dists) * step_w).sum(0) * c['latentWeight']
        if c['actionWeight'] > 0:
            cost = cost + ((actions / half) ** 2).sum((1, 2)) * (c['actionWeight'] / A)
        if c.get('smoothWeight', 0) > 0 and H > 1:
            cost = cost + (((actions[:, 1:] - actions[:, :-1]) / half) ** 2).sum((1, 2)) * (c['smoothWeight'] / A)
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
        if plan.get('select', 'best') == 'mean' or cost < best_cost:
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
    """Seeded random frames of B sequences of H + 1 steps, every modality present, as bench/model.ts
    syntheticBatch makes them (object views and the object head's labels included)."""
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
            'object': torch.randn(n, cfg['objectView']['count'], 3, generator=gen) * 0.03,
            'objectPlace': torch.randn(n, 3, generator=gen) * 0.1,
            'objectMotion': torch.randn(n, 3, generator=gen) * 0.01,
            'present': {m: torch.ones(n, dtype=torch.uint8) for m in MODALITIES},
        },
        'actions': torch.rand(b, h, cfg['actionDim'], generator=gen) * 2 - 1,
    }


def main():
    raw = sys.stdin.read() if not sys.stdin.isatty() else ''
    spec = json.loads(raw) if raw.strip() else {}
    threads = int(spec.get('threads', 1))
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

    trainer = Trainer(model, torch.Generator().manual_seed(int(spec.get('seed', 0)) + 1))
    batch = synthetic_batch(cfg, b, gen)
    train_ms = median_ms(lambda: trainer.train_step(batch), warmup, iterations)

    d = model.state_dim
    state = {'warm': None}

    def plan_once():
        start = torch.randn(1, d, generator=gen)
        goal = torch.randn(1, d, generator=gen)
        actions, _, _ = cem_plan(model, start, goal, plan, low, high, gen, state['warm'])
        state['warm'] = actions

    plan_ms = median_ms(plan_once, warmup, iterations)

    # One frame with every modality present, as bench/model.ts times encodeFrames: HxWx3 bytes,
    # an Nx3 cloud, the proprio vector and an object view, in; the fused state, out.
    frame = synthetic_batch({**cfg, 'horizon': 0}, 1, gen)['frames']
    arrays = {m: frame[m].numpy() for m in ('rgb', 'points', 'proprio', 'object', 'objectPlace', 'objectMotion')}

    def encode_once():
        with torch.no_grad():
            frames = {m: torch.from_numpy(v) for m, v in arrays.items()}
            frames['present'] = {m: torch.ones(1, dtype=torch.uint8) for m in MODALITIES}
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
    """The BLAS this process runs: pip's torch has MKL linked in (no libblas in the process's
    maps); Debian's torch calls whatever libblas.so.3 the loader finds (the reference BLAS
    unless OpenBLAS is installed, ~10x slower matMuls)."""
    torch.ones(2, 2) @ torch.ones(2, 2)
    if torch.backends.mkl.is_available():
        return 'mkl (linked into torch)' + (', onednn' if torch.backends.mkldnn.is_available() else '')
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
