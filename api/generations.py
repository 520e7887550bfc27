"""POST /api/GenerateImage: run a prompt on the chat's trained version and store the image."""

from __future__ import annotations

import logging
import uuid

import azure.durable_functions as df
import azure.functions as func

from api import routes
from api.chat_reads import read_chat
from api.durable_wait import accepted, wait_for
from api.envelope import fail, ok, parse_body, respond
from api.failures import answers_failures
from api.input_checks import refused
from calendary.bootstrap import services
from calendary.domain.chat_generations import check_can_generate
from calendary.domain.erasure import new_instance_id
from calendary.domain.requests import GenerateImageRequest
from calendary.domain.responses import ApiResponse, GenerateImageData
from calendary.domain.trigger_word import with_trigger_word
from calendary.replicate.checked_inputs import generation_input_for
from orchestrators import names
from orchestrators.contracts import GenerationJob, GenerationResult

bp = df.Blueprint()
log = logging.getLogger(__name__)

REFUSALS = {
    "unknown_training": (404, "no such training for this chat"),
    "training_not_succeeded": (409, "the training has not succeeded (yet)"),
}


@bp.route(route=routes.GENERATE_IMAGE.path, methods=[routes.GENERATE_IMAGE.method])
@bp.durable_client_input(client_name="client")
@answers_failures
async def generate_image_http(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    settings = services().settings
    body = parse_body(req, GenerateImageRequest)
    if len(body.prompt) > settings.max_prompt_length:
        return fail(400, f"prompt: at most {settings.max_prompt_length} characters")
    chat = await read_chat(client, body.user_id)
    check = check_can_generate(chat, body.training_id)
    if check in REFUSALS:
        return fail(*REFUSALS[check])
    training = chat.training_by_id(body.training_id)
    assert training is not None and training.version  # check_can_generate said so
    prompt, added = body.prompt, False
    if body.add_trigger_word:
        prompt, added = with_trigger_word(body.prompt, training.trigger_word)
    if len(prompt) > settings.max_prompt_length:
        return fail(400, f"prompt: at most {settings.max_prompt_length} characters")
    svc = services()
    inputs = generation_input_for(
        svc.replicate(),
        svc.schemas,
        model=training.model_id,
        version=training.version,
        prompt=prompt,
        seed=body.seed,
        aspect_ratio=body.aspect_ratio,
        num_inference_steps=body.num_inference_steps,
    )
    answer = await refused(inputs, f"the model {training.model_id}", ours=False)
    if answer is not None:
        return answer

    generation_id = new_instance_id(body.user_id, uuid.uuid4().hex)
    job = GenerationJob(
        chat_id=body.user_id,
        generation_id=generation_id,
        training_id=body.training_id,
        prompt=prompt,
        trigger_word_added=added,
        seed=body.seed,
        aspect_ratio=body.aspect_ratio,
        num_inference_steps=body.num_inference_steps,
        timeout_seconds=int(settings.generation_timeout.total_seconds()),
        likeness_retry_above=settings.likeness_retry_above,
    )
    await client.start_new(names.GENERATE_IMAGE, generation_id, job.dump())
    log.info("generation started chat_id=%s generation_id=%s", body.user_id, generation_id)
    status = await wait_for(client, generation_id, settings.generate_wait)
    if status is None:
        return accepted(req, generation_id, user_id=body.user_id, generation_id=generation_id)
    if status.runtime_status != df.OrchestrationRuntimeStatus.Completed:
        return fail(500, f"the generation workflow {generation_id} failed")
    result = GenerationResult.model_validate(status.output)
    if result.outcome == "rejected":
        return fail(*REFUSALS.get(result.reason, (409, result.reason)))
    data = GenerateImageData(
        generation_id=generation_id,
        status=result.status,
        image_url=result.image_url or None,
        prompt=prompt,
        trigger_word_added=added,
    )
    if result.status != "succeeded":
        error = f"Replicate could not generate the image: {result.reason}"
        return respond(502, ApiResponse[GenerateImageData](success=False, data=data, error=error))
    return ok(data)
