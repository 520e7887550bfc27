"""Orchestrator names as the HTTP starters address them (a persisted contract, like the code)."""

from calendary.domain.erasure import instance_prefix

UPLOAD_IMAGES = "upload_images"
TRAIN_MODEL = "train_model"
GENERATE_IMAGE = "generate_image"
ERASE_CHAT = "erase_chat"
EXPIRE_CHAT_DATA = "expire_chat_data"
FREE_TRAINING_SLOT = "free_training_slot"


def free_slot_instance_id(chat_id: str, training_instance_id: str) -> str:
    """One freeing per stale training workflow; the chat's prefix lets an erase find it."""
    return f"{instance_prefix(chat_id)}free-slot-{training_instance_id}"
