"""Query the knowledge base through Datasette in-process (no server): for the search and query tests."""
import asyncio

from kb.serve import make_datasette


def get_json(db_path, path: str):
    async def run():
        ds = make_datasette(db_path)
        await ds.invoke_startup()
        response = await ds.client.get(path)
        assert response.status_code == 200, (path, response.text[:500])
        return response.json()
    return asyncio.run(run())


def get_html(db_path, path: str) -> str:
    async def run():
        ds = make_datasette(db_path)
        await ds.invoke_startup()
        response = await ds.client.get(path)
        assert response.status_code == 200, (path, response.text[:500])
        return response.text
    return asyncio.run(run())
