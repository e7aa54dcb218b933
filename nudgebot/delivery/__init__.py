"""The delivery engine and its sources: claim what is due, send it, record what happened."""
