"""HTTP service: `create_app` (FastAPI) and `rashomon serve`."""
