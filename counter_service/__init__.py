"""Visitor counter service for the district portals (Starlette + uvicorn).

Run: python -m counter_service --origin https://portal.example --manifest output/counter/manifest.json
See docs/counter.md.
"""
