"""dlib's face models, loaded once per process on first use.

The weights ship inside registry packages (`face-recognition-models`, `dlib-bin`): nothing is
downloaded at run time. Importing this module costs nothing; `face_models()` loads them (about a
second) the first time an analysis runs, so the Function App's cold start does not grow.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

_lock = threading.Lock()
_loaded: FaceModels | None = None


@dataclass(frozen=True)
class FaceModels:
    detector: Any  # HOG frontal face detector, built into dlib
    landmarks: Any  # 5-point shape predictor: aligns the face chip for the embedding
    encoder: Any  # ResNet face embedding: 128 numbers, same person within ~0.6 (Euclidean)
    # dlib's detector and networks keep working buffers inside: one caller at a time per process
    # (calls from concurrent activity threads crash the worker).
    busy: threading.Lock


def face_models() -> FaceModels:
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                import dlib
                import face_recognition_models as weights

                _loaded = FaceModels(
                    detector=dlib.get_frontal_face_detector(),
                    landmarks=dlib.shape_predictor(
                        weights.pose_predictor_five_point_model_location()
                    ),
                    encoder=dlib.face_recognition_model_v1(
                        weights.face_recognition_model_location()
                    ),
                    busy=threading.Lock(),
                )
    return _loaded
