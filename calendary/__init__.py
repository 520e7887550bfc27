"""Calendary Kaizen: personal FLUX LoRA models from Telegram photos."""
