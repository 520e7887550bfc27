"""Composition root: the Durable Functions app and the blueprints it registers. Nothing else."""

import azure.durable_functions as df
import azure.functions as func

from api.health import bp as health
from api.notifications import bp as notifications
from api.openapi import bp as openapi

app = df.DFApp(http_auth_level=func.AuthLevel.FUNCTION)
app.register_functions(health)
app.register_functions(notifications)
app.register_functions(openapi)
