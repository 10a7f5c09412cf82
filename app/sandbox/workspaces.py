"""/_sandbox/workspaces: create, list and delete isolated workspaces (see app/registry.py)."""

from __future__ import annotations

import time
from typing import Any

import msgspec
from litestar import Controller, Request, delete, get, post
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from app.lean_response import Response
from app.registry import WorkspaceInfo, registry_of
from app.sandbox.guard import control_token_guard


class WorkspaceCreate(msgspec.Struct):
    name: str
    from_: str | None = msgspec.field(default=None, name="from")


class Workspace(msgspec.Struct):
    name: str
    size: int
    last_used: str
    open: bool
    created_ms: float | None = None


class WorkspaceList(msgspec.Struct):
    workspaces: list[Workspace]


def _render(info: WorkspaceInfo, created_ms: float | None = None) -> Workspace:
    return Workspace(info.name, info.size, info.last_used, info.open, created_ms)


class WorkspacesController(Controller):
    path = "/_sandbox/workspaces"
    tags = ["sandbox: workspaces"]
    guards = [control_token_guard]

    @post("/", status_code=HTTP_201_CREATED, summary="Create a workspace from the example database or a snapshot")
    async def create_workspace(self, request: Request[Any, Any, Any], data: WorkspaceCreate) -> Workspace:
        started = time.perf_counter()
        info = await registry_of(request).create(data.name, data.from_)
        return _render(info, round((time.perf_counter() - started) * 1000, 2))

    @get("/", summary="List workspaces with size and last use")
    async def list_workspaces(self, request: Request[Any, Any, Any]) -> WorkspaceList:
        return WorkspaceList([_render(i) for i in registry_of(request).list()])

    @delete("/{name:str}", status_code=HTTP_204_NO_CONTENT, summary="Delete a workspace and its file")
    async def delete_workspace(self, request: Request[Any, Any, Any], name: str) -> Response[None]:
        await registry_of(request).delete(name)
        return Response(None, status_code=HTTP_204_NO_CONTENT)


ROUTES: list[Any] = [WorkspacesController]
