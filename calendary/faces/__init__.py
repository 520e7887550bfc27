"""Face analysis of photos: detection, quality measures and embeddings (dlib models in a wheel)."""
