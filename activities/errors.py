"""The one exception activities raise: a transient failure, worth a Durable retry.

Its message lands in the orchestration history, so it is built from safe text only and never
chained to the original error (whose text may hold a URL with a token).
"""


class TransientFailure(Exception):
    pass
