"""Composition root: the Durable Functions app and the blueprints it registers. Nothing else."""

import azure.durable_functions as df
import azure.functions as func

from activities import (
    archive,
    chat_record,
    generated_images,
    images,
    notify,
    photo_checks,
    replicate_predictions,
    replicate_trainings,
)
from api import (
    chat_status,
    generations,
    health,
    notifications,
    openapi,
    trainings,
    uploads,
    webhook,
)
from entities import chat
from orchestrators import generate_image, train_model, upload_images

app = df.DFApp(http_auth_level=func.AuthLevel.FUNCTION)
for module in (
    health,
    openapi,
    uploads,
    trainings,
    generations,
    webhook,
    chat_status,
    notifications,
    upload_images,
    train_model,
    generate_image,
    chat,
    images,
    archive,
    chat_record,
    replicate_trainings,
    replicate_predictions,
    generated_images,
    notify,
    photo_checks,
):
    app.register_functions(module.bp)
