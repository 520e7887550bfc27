"""Retry policies, declared once per dependency. Activities raise only transient failures."""

import azure.durable_functions as df

# Blob/table/queue calls: throttling and brief outages clear within seconds; ten attempts five
# seconds apart also ride out a minute-long blip, which matters once a billed training runs.
STORAGE = df.RetryOptions(first_retry_interval_in_milliseconds=5_000, max_number_of_attempts=10)

# Replicate: 429s carry a retry hint of a few seconds; 5xx are usually short. The client also
# retries an idempotent request once in place (to honour a short Retry-After, which this fixed
# interval cannot), so one check makes at most 6 x 2 = 12 requests; creates are never retried
# by the client.
REPLICATE = df.RetryOptions(first_retry_interval_in_milliseconds=5_000, max_number_of_attempts=6)

# Telegram file downloads: the link lives an hour; a few quick attempts are enough.
DOWNLOAD = df.RetryOptions(first_retry_interval_in_milliseconds=2_000, max_number_of_attempts=3)

# Photo analysis reads blobs (storage blips) and computes for a second or less: a few attempts.
ANALYSIS = df.RetryOptions(first_retry_interval_in_milliseconds=2_000, max_number_of_attempts=4)
