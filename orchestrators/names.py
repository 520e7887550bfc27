"""Orchestrator names as the HTTP starters address them (a persisted contract, like the code)."""

UPLOAD_IMAGES = "upload_images"
TRAIN_MODEL = "train_model"
GENERATE_IMAGE = "generate_image"
ERASE_CHAT = "erase_chat"
EXPIRE_CHAT_DATA = "expire_chat_data"
