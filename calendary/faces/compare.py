"""Distances between face embeddings: the same-person check of a set, and a generated likeness."""

from __future__ import annotations

import numpy as np

Embedding = tuple[float, ...]


def distance(a: Embedding, b: Embedding) -> float:
    """Euclidean distance; dlib's model puts one person's photos within ~0.6 of each other."""
    return float(np.linalg.norm(np.asarray(a) - np.asarray(b)))


def centre(embeddings: list[Embedding]) -> Embedding:
    return tuple(float(v) for v in np.mean(np.asarray(embeddings), axis=0))


def distances_from_the_others(embeddings: dict[str, Embedding]) -> dict[str, float]:
    """Each photo's distance from the centre of the *other* photos.

    Leaving the photo out keeps one stranger from pulling the centre towards itself: in a set of
    five, a different person sits ~0.8 from the others' centre, the same person ~0.2 to 0.4.
    """
    if len(embeddings) < 2:
        return {}
    names = list(embeddings)
    matrix = np.asarray([embeddings[n] for n in names])
    total = matrix.sum(axis=0)
    count = len(names) - 1
    return {
        name: round(float(np.linalg.norm(matrix[i] - (total - matrix[i]) / count)), 4)
        for i, name in enumerate(names)
    }
