"""Composition root: the Durable Functions app and the blueprints it registers. Nothing else."""

import azure.durable_functions as df
import azure.functions as func

from activities import (
    archive,
    chat_record,
    erase_replicate,
    erase_storage,
    erase_workflows,
    generated_images,
    images,
    notify,
    photo_checks,
    replicate_predictions,
    replicate_trainings,
    retention,
)
from api import (
    chat_status,
    erasures,
    generations,
    health,
    instance_status,
    notifications,
    openapi,
    trainings,
    uploads,
    webhook,
)
from entities import chat
from orchestrators import (
    erase_chat,
    expire_chat_data,
    free_slot,
    generate_image,
    train_model,
    upload_images,
)
from timers import retention as retention_timer

app = df.DFApp(http_auth_level=func.AuthLevel.FUNCTION)
for module in (
    health,
    openapi,
    uploads,
    trainings,
    generations,
    webhook,
    chat_status,
    erasures,
    instance_status,
    notifications,
    upload_images,
    train_model,
    generate_image,
    erase_chat,
    expire_chat_data,
    free_slot,
    chat,
    images,
    archive,
    chat_record,
    replicate_trainings,
    replicate_predictions,
    generated_images,
    notify,
    erase_workflows,
    erase_storage,
    erase_replicate,
    retention,
    retention_timer,
    photo_checks,
):
    app.register_functions(module.bp)
