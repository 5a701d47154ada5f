"""A tiny handler for the lambda-wait demo."""

import json
import os


def handler(event, context):  # type: ignore[no-untyped-def]
    if isinstance(event, dict) and event.get("lambda-wait") == "wake":
        return {"woken": True}  # lambda-wait's wake invocation: nothing to do
    greeting = os.environ.get("GREETING", "hello")
    return {"statusCode": 200, "body": json.dumps({"message": f"{greeting} from lambda-wait"})}
