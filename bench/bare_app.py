"""The yardstick: a bare FastAPI endpoint returning a small JSON document."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/bare/{item_id}")
async def bare(item_id: str) -> dict[str, object]:
    return {"status": "success", "success": True, "data": {"id": item_id, "title": "t"}}
